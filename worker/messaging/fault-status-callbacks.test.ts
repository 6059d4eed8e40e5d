import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, it } from "vitest";
import { demoNumbers } from "../test/messages-fixture";
import { call, DEMO, seed, signInAdmin } from "../test/helpers";
import { fakeCarrier, postTwilio, randomSid } from "../test/carriers";
import { reportFault } from "../test/fault-summary";

let admin: string;
let westside: number;
let fake: ReturnType<typeof fakeCarrier> | undefined;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  ({ westside } = await demoNumbers());
});
afterEach(() => fake?.restore());

/** What Twilio reports for one text, in its true order, and where the text must end. */
const PATHS = [
  { callbacks: ["queued", "sending", "sent", "delivered"], final: "delivered", errorCode: null },
  { callbacks: ["queued", "sent", "delivered", "read"], final: "delivered", errorCode: null },
  { callbacks: ["queued", "sending", "sent", "undelivered"], final: "undelivered", errorCode: "30003" },
  { callbacks: ["queued", "failed"], final: "failed", errorCode: "30008" },
] as const;

/** A small deterministic generator, so a failing order can be replayed. */
function rng(seedValue: number) {
  let s = seedValue;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe("status callbacks out of order and repeated", () => {
  it("leave every text at its true final status, with its error code", async ({ expect }) => {
    fake = fakeCarrier(() => Response.json({ sid: randomSid(), status: "queued" }, { status: 201 }));
    const texts = [];
    for (let i = 0; i < 24; i++) {
      const phone = `+1555002${String(i).padStart(4, "0")}`;
      const res = await call("/api/messages", {
        cookie: admin,
        json: { numberId: westside, phone, body: `Reminder ${i}`, idempotencyKey: `fault-status-${i}` },
      });
      expect(res.status).toBe(201);
      const { message } = await res.json<{ message: { id: number } }>();
      const row = await env.DB.prepare("select carrier_message_id as sid from messages where id = ?")
        .bind(message.id)
        .first<{ sid: string }>();
      texts.push({ id: message.id, sid: row?.sid ?? "", phone, path: PATHS[i % PATHS.length] ?? PATHS[0] });
    }
    const random = rng(7);
    const callbacks = texts.flatMap((t) =>
      t.path.callbacks.flatMap((status: string, step: number) => {
        const params = {
          MessageSid: t.sid,
          SmsSid: t.sid,
          MessageStatus: status,
          SmsStatus: status,
          AccountSid: DEMO.twilio.accountSid,
          From: DEMO.westsideNumber,
          To: t.phone,
          ApiVersion: "2010-04-01",
          ...(status === "undelivered" || status === "failed" ? { ErrorCode: t.path.errorCode ?? "" } : {}),
        };
        // Twilio retries a callback it thinks failed: one to three copies of each.
        return Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ id: t.id, step, params }));
      }),
    );
    const shuffled = callbacks
      .map((c) => ({ c, k: random() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.c);
    // Arrive in waves of concurrent requests, as a carrier's workers deliver them.
    const refused: number[] = [];
    for (let i = 0; i < shuffled.length; i += 25) {
      const answers = await Promise.all(
        shuffled
          .slice(i, i + 25)
          .map(({ id, params }) => postTwilio(`/webhooks/twilio/status?m=${id}`, params)),
      );
      refused.push(...answers.map((r) => r.status).filter((s) => s !== 200));
      await Promise.all(answers.map((r) => r.arrayBuffer()));
    }
    const rows = [];
    for (const t of texts) {
      const row = await env.DB.prepare("select status, error_code as errorCode from messages where id = ?")
        .bind(t.id)
        .first<{ status: string; errorCode: string | null }>();
      rows.push({ t, row });
    }
    const wrong = rows.filter(({ t, row }) => row?.status !== t.path.final).length;
    const unique = texts.reduce((n, t) => n + t.path.callbacks.length, 0);
    const furthest = new Map<number, number>();
    let late = 0;
    for (const { id, step } of shuffled) {
      if (step < (furthest.get(id) ?? -1)) late++;
      furthest.set(id, Math.max(step, furthest.get(id) ?? -1));
    }
    reportFault({
      check: "status callbacks shuffled and repeated (1-3 copies)",
      load: shuffled.length,
      // Extra copies, plus callbacks that arrived after a later status of the same text.
      faults: callbacks.length - unique + late,
      badInputs: 0,
      expected: texts.length,
      lost: wrong,
    });
    // After the report, so a run with wrong statuses still shows how many.
    expect(refused).toEqual([]);
    for (const { t, row } of rows) {
      expect(row, `message ${t.id}`).toEqual({ status: t.path.final, errorCode: t.path.errorCode });
    }
    expect(fake.calls).toHaveLength(texts.length);
  });
});
