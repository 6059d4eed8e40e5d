import { env } from "cloudflare:workers";
import { beforeAll, describe, it, onTestFinished } from "vitest";
import { seed } from "../test/helpers";
import { count, fakeCarrier, postTwilio, randomSid, twilioInbound } from "../test/carriers";

beforeAll(seed);

describe("Twilio inbound text", () => {
  it("stores it once, answers TwiML, and marks the conversation unread", async ({ expect }) => {
    const params = twilioInbound({ From: "+15550004001", Body: "  Is Dr. Kim in today?  " });
    const res = await postTwilio("/webhooks/twilio/messages", params);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
    expect(await res.text()).toContain("<Response>");
    const again = await postTwilio("/webhooks/twilio/messages", params);
    expect(again.status).toBe(200);
    const rows = await env.DB.prepare(
      "select body, status, direction, carrier from messages where carrier_message_id = ?",
    )
      .bind(params.MessageSid)
      .all();
    expect(rows.results).toEqual([
      { body: "  Is Dr. Kim in today?  ", status: "received", direction: "in", carrier: "twilio" },
    ]);
    const conv = await env.DB.prepare(
      "select unread, last_message_preview from conversations where phone = ?",
    )
      .bind("+15550004001")
      .first();
    expect(conv).toEqual({ unread: 1, last_message_preview: "  Is Dr. Kim in today?  " });
  });

  it("stores one message when 20 copies arrive at once", async ({ expect }) => {
    const params = twilioInbound({ From: "+15550004002", Body: "STOP" });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => postTwilio("/webhooks/twilio/messages", params)),
    );
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(await count("messages", "carrier_message_id = ?", params.MessageSid)).toBe(1);
    expect(await count("conversations", "phone = ?", "+15550004002")).toBe(1);
    // The opt-out rides in the same batch as the message: recorded once, not twenty times.
    expect(await count("opt_out_events", "phone = ?", "+15550004002")).toBe(1);
    expect(await count("opt_outs", "phone = ? and opted_out = 1", "+15550004002")).toBe(1);
  });

  it("lets Twilio send its own STOP confirmation: we send nothing", async ({ expect }) => {
    // A carrier that would accept a send, so a confirmation we wrongly sent would show up as a call here.
    const fake = fakeCarrier(() => Response.json({ sid: randomSid(), status: "queued" }, { status: 201 }));
    onTestFinished(() => {
      fake.restore();
    });
    const params = twilioInbound({ From: "+15550004003", Body: "stop" });
    // Settled: the keyword step (run in waitUntil, where a confirmation would be sent) has finished.
    expect((await postTwilio("/webhooks/twilio/messages", params, { settle: true })).status).toBe(200);
    // The STOP was understood (the phone is opted out), and still nothing went to Twilio or into the thread.
    expect(await count("opt_outs", "phone = ? and opted_out = 1", "+15550004003")).toBe(1);
    expect(fake.calls).toEqual([]);
    expect(
      await count(
        "messages",
        "direction = 'out' and conversation_id in (select id from conversations where phone = ?)",
        "+15550004003",
      ),
    ).toBe(0);
  });
});
