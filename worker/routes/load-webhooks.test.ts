import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { DEMO, seed } from "../test/helpers";
import { count, postTwilio, twilioInbound } from "../test/carriers";
import { reportFault } from "../test/fault-summary";

beforeAll(seed);

/** Fisher–Yates with a fixed seed, so a failure replays the same arrival order. */
function shuffle<T>(items: T[], seedValue = 42): T[] {
  const out = [...items];
  let s = seedValue;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("webhook burst", () => {
  // 550 webhooks take about 10 s on an idle box and near 30 s on a busy one: the limit catches a hang.
  it(
    "500 distinct texts plus 50 concurrent copies of one: exactly 500 stored, one event each, no 5xx",
    { timeout: 120_000 },
    async ({ expect }) => {
      // 100 patients' phones, so conversations are created and updated under contention too.
      const distinct = Array.from({ length: 500 }, (_, i) =>
        twilioInbound({ From: `+1555001${String(i % 100).padStart(4, "0")}`, Body: `Burst text ${i}` }),
      );
      const first = distinct[0];
      if (!first) throw new Error("no webhooks");
      const copies = Array.from({ length: 49 }, () => first);
      const answers = await Promise.all(
        shuffle([...distinct, ...copies]).map((params) => postTwilio("/webhooks/twilio/messages", params)),
      );
      const statuses = answers.map((r) => r.status);
      await Promise.all(answers.map((r) => r.arrayBuffer()));

      const sids = distinct.map((p) => p.MessageSid);
      const stored = await env.DB.prepare(
        `select carrier_message_id as sid, count(*) as n from messages where carrier_message_id in (select value from json_each(?)) group by 1`,
      )
        .bind(JSON.stringify(sids))
        .all<{ sid: string; n: number }>();
      // Reported before the assertions, so a lost or doubled text shows as a number.
      reportFault({
        check: "webhook burst: 500 distinct + 50 copies of one, concurrent",
        load: answers.length,
        faults: 0,
        badInputs: 0,
        expected: 500,
        lost: 500 - stored.results.length,
        strayRows: stored.results.reduce((n, r) => n + r.n - 1, 0),
      });
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(stored.results).toHaveLength(500);
      expect(stored.results.every((r) => r.n === 1)).toBe(true);
      expect(
        await count(
          "conversations",
          "phone like '+1555001%' and number_id = (select id from clinic_numbers where e164 = ?)",
          DEMO.westsideNumber,
        ),
      ).toBe(100);
      // One live event per stored text: the fan-out saw each once, duplicates none.
      expect(await count("live_events", "type = 'message' and payload like '%Burst text %'")).toBe(500);
    },
  );
});
