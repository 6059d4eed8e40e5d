import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { seed } from "../test/helpers";
import { postTwilio, twilioInbound } from "../test/carriers";
import { watchD1Statements } from "../test/d1-limits";

beforeEach(seed);

const PHONE = "+15550007001";

/**
 * What one webhook's follow-ups asked D1, answer and waitUntil work settled: the statements prepared after
 * the store batch's last one (the conversation's preview update, queries/inbound.ts).
 */
async function followUpsOf(body: string) {
  const watch = watchD1Statements();
  const res = await postTwilio("/webhooks/twilio/messages", twilioInbound({ From: PHONE, Body: body }), {
    settle: true,
  });
  const statements = watch.stop();
  expect(res.status).toBe(200);
  const stored = statements.findIndex((s) => s.startsWith(`update "conversations" set "last_message_at"`));
  expect(stored).toBeGreaterThan(0);
  return statements.slice(stored + 1);
}

const reopens = (s: string) => s.startsWith(`update "conversations" set "state"`);
// The withdraw of send-later texts and the reading of a reminder's answer both start from the messages.
const readsMessages = (s: string) => /\bfrom "?messages"?/.test(s) || s.startsWith(`update "messages"`);

describe("the follow-ups of a stored text", () => {
  it("cost no D1 query when the conversation has nothing waiting (no reopen, withdraw or reminder read)", async () => {
    await followUpsOf("Hello");
    const followUps = await followUpsOf("Running late");
    expect(followUps.filter(reopens)).toEqual([]);
    expect(followUps.filter(readsMessages)).toEqual([]);
  });

  it("reopen a done conversation, read in the same batch as the text", async () => {
    await followUpsOf("Hello");
    await env.DB.prepare("update conversations set state = 'done' where phone = ?").bind(PHONE).run();
    const followUps = await followUpsOf("One more question");
    expect(followUps.filter(reopens)).toHaveLength(1);
    const row = await env.DB.prepare("select state from conversations where phone = ?")
      .bind(PHONE)
      .first<{ state: string }>();
    expect(row?.state).toBe("open");
  });
});
