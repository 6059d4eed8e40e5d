/**
 * Scheduled-send lateness: BENCH_SCHEDULED texts (default 1,000) due at the same moment on the Westside
 * number, sent by the number's Durable Object alarm at the carrier's pace (outbound-drain.ts: ten a second).
 * For each text, lateness = the fake carrier's receipt of its send − its due time, next to the pace's own
 * floor (the text at position i cannot go before i/10 s). Targets: every text within position/10 s + 2 s,
 * none before its time, none twice.
 *
 *   node bench/scheduled.ts            (BENCH_SCHEDULED=200 for a shorter run)
 */
import { client, fmt, fmtP99, line, percentile } from "./lib/http.ts";
import { startFakeCarrier } from "./lib/fake-carrier.ts";
import { countdown, isMain, pollUntil } from "./lib/main.ts";
import { startServer, type Server } from "./lib/server.ts";
import { WESTSIDE } from "./lib/twilio.ts";

const COUNT = Number(process.env.BENCH_SCHEDULED ?? 1000);
/** The drain's pace (DRAIN_BATCH texts per DRAIN_INTERVAL_MS): the position-i text's floor is i / PACE s. */
const PACE_PER_SECOND = 10;
const SLACK_MS = 2_000;
/** Far enough ahead that storing the texts and arming the alarm finish before they fall due. */
const LEAD_MS = 8_000;

export type ScheduledResult = {
  count: number;
  sent: number;
  early: number;
  twice: number;
  p50: number;
  p99: number;
  /** The worst lateness beyond the pace's floor (position/10 s): the target is ≤ 2,000 ms. */
  worstOverPace: number;
  lastMs: number;
};

export async function runScheduled(server?: Server): Promise<ScheduledResult> {
  const own = server ?? (await startServer());
  const arrivals = new Map<string, number[]>();
  let firstCopies: { hit: () => void } = { hit: () => undefined };
  const carrier = startFakeCarrier((params, at) => {
    const body = params.get("Body") ?? "";
    if (!body.startsWith("bench scheduled #")) return;
    const copies = [...(arrivals.get(body) ?? []), at];
    arrivals.set(body, copies);
    if (copies.length === 1) firstCopies.hit();
  });
  const http = client(own.base, 1);
  try {
    console.log(`\n## Scheduled sends (${COUNT} texts due at once on one number, the alarm's drain)`);
    // The first /api request seeds the demo practice (and its users) that the texts are authored by.
    await http.send({ method: "GET", path: "/api/auth/me" });
    const dueAt = Date.now() + LEAD_MS;
    const seeded = await http.send({
      method: "GET",
      path: `/bench/seed-scheduled?count=${COUNT}&at=${dueAt}&e164=${encodeURIComponent(WESTSIDE)}`,
    });
    if (seeded.status !== 200) throw new Error(`seed-scheduled answered ${seeded.status}: ${seeded.body}`);
    const { texts, ms, numberId } = JSON.parse(seeded.body) as {
      texts: { id: number; body: string }[];
      ms: number;
      numberId: number;
    };
    if (texts.length !== COUNT) throw new Error(`stored ${texts.length} of ${COUNT} texts`);
    if (Date.now() > dueAt) console.log(`(storing took ${ms} ms, past the due time: lateness includes it)`);
    // Every text has its due turn by then plus the slack; a little more for a loaded box, then stop looking.
    const everyText = countdown(
      COUNT - arrivals.size,
      dueAt + (COUNT / PACE_PER_SECOND) * 1000 + 30_000 - Date.now(),
    );
    firstCopies = everyText;
    await everyText.done;
    // A text sent twice would come from a drain still running or armed: wait until none of the texts is
    // queued or sending and the number's alarm is unset (seen through /bench/outbox), so every send this
    // drain will ever make has reached the fake carrier before the copies are counted.
    type Outbox = { byStatus: Record<string, number>; alarmAt: number | null };
    let outbox: Outbox = { byStatus: {}, alarmAt: null };
    const idle = await pollUntil(
      async () => {
        const res = await http.send({
          method: "GET",
          path: `/bench/outbox?numberId=${numberId}&at=${dueAt}`,
        });
        outbox = JSON.parse(res.body) as Outbox;
        return !outbox.byStatus.queued && !outbox.byStatus.sending && outbox.alarmAt === null;
      },
      10_000,
      100,
    );
    if (!idle) console.log(`(the drain was still busy 10 s after the last text: ${JSON.stringify(outbox)})`);

    const lateness: number[] = [];
    let early = 0;
    let twice = 0;
    let worstOverPace = -Infinity;
    texts.forEach((text, position) => {
      const got = arrivals.get(text.body);
      if (!got?.[0]) return;
      if (got.length > 1) twice++;
      const late = got[0] - dueAt;
      if (late < 0) early++;
      lateness.push(late);
      worstOverPace = Math.max(worstOverPace, late - (position / PACE_PER_SECOND) * 1000);
    });
    const r: ScheduledResult = {
      count: COUNT,
      sent: lateness.length,
      early,
      twice,
      p50: percentile(lateness, 50),
      p99: percentile(lateness, 99),
      worstOverPace,
      lastMs: Math.max(...lateness),
    };
    const floor = ((COUNT - 1) / PACE_PER_SECOND) * 1000;
    line(
      `scheduled ${COUNT} due at once: due time → carrier call`,
      `p50 ${fmt(r.p50)} ms, ${fmtP99(lateness)}, last ${fmt(r.lastMs)} ms (pace floor ${fmt(floor)} ms); sent ${r.sent}/${COUNT}, early ${early}, twice ${twice}`,
      { to: "the pace floor of the last text", value: r.lastMs / floor },
    );
    line(
      "scheduled worst lateness beyond the pace (position/10 s; target ≤ 2,000 ms)",
      `${fmt(r.worstOverPace)} ms`,
    );
    return r;
  } finally {
    http.close();
    await carrier.stop();
    if (!server) own.stop();
  }
}

/** The verdict run.ts prints for this bench. */
export function scheduledOnTime(r: ScheduledResult) {
  return r.sent === r.count && r.worstOverPace <= SLACK_MS;
}

if (isMain(import.meta.url)) await runScheduled();
