import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { seed } from "../test/helpers";
import { count, postTwilio, twilioInbound } from "../test/carriers";
import { reportFault } from "../test/fault-summary";

beforeAll(seed);

/** Rows an inbound STOP can leave behind. The tests run one at a time, so table-wide counts are its own. */
async function footprint(phone: string, sid: string) {
  return {
    conversations: await count("conversations", "phone = ?", phone),
    messages: await count("messages", "carrier_message_id = ?", sid),
    liveEvents: await count("live_events", "type = 'message'"),
    optOuts: await count("opt_outs", "phone = ?", phone),
    optOutEvents: await count("opt_out_events", "phone = ?", phone),
    audit: await count("audit_log", "action = 'opt_out.inbound'"),
  };
}

/**
 * D1 refuses one write of the inbound batch (a trigger that aborts, standing in for a failed or
 * overloaded database). The batch is one transaction, so nothing may remain, and the answer must not be
 * 2xx: a carrier only redelivers a webhook that failed. Once D1 accepts writes again, the redelivery stores
 * the text exactly once.
 */
describe("D1 refusing a write mid-webhook", () => {
  it.for(["messages", "live_events", "opt_outs", "conversations"])(
    "a refused insert into %s: non-2xx, nothing half-written, the retry stores it once",
    async (table, { expect }) => {
      const phone = `+1555005${String(["messages", "live_events", "opt_outs", "conversations"].indexOf(table)).padStart(4, "0")}`;
      // STOP, so the opt-out statements are part of the batch too.
      const params = twilioInbound({ From: phone, Body: "STOP" });
      const sid = params.MessageSid ?? "";
      const before = await footprint(phone, sid);
      await env.DB.exec(
        `CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'injected'); END;`,
      );
      let answer: number;
      try {
        const res = await postTwilio("/webhooks/twilio/messages", params);
        answer = res.status;
        await res.arrayBuffer();
      } finally {
        await env.DB.exec(`DROP TRIGGER refuse_${table}`);
      }
      const refused = await footprint(phone, sid);

      const retried = await postTwilio("/webhooks/twilio/messages", params);
      const after = await footprint(phone, sid);
      // Reported before the assertions, from the rows themselves: the text must exist once after the retry,
      // and the refused attempt must have left nothing behind.
      reportFault({
        check: `D1 refuses the insert into ${table} mid-webhook, then the carrier retries`,
        load: 2,
        faults: 1,
        badInputs: 0,
        expected: 1,
        lost: Math.max(0, 1 - after.messages),
        strayRows: Object.entries(refused).reduce(
          (n, [k, v]) => n + Math.abs(v - before[k as keyof typeof before]),
          0,
        ),
      });
      expect(answer).toBeGreaterThanOrEqual(500);
      expect(refused).toEqual(before);
      expect(retried.status).toBe(200);
      expect(after).toEqual({
        conversations: 1,
        messages: 1,
        liveEvents: before.liveEvents + 1,
        optOuts: 1,
        optOutEvents: 1,
        audit: before.audit + 1,
      });
    },
  );
});
