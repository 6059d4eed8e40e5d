import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, seed, signInAdmin } from "../test/helpers";
import { count, postTwilio, twilioInbound } from "../test/carriers";
import { connect } from "../test/sockets";
import type { LiveEvent } from "../shared/live-protocol";

beforeAll(seed);

/**
 * The inbound batch stores the message's live event itself (its ids filled in by SQL), so the payload built
 * there must be exactly the thread API's view of the message, and a duplicate must add no event.
 */
describe("an inbound text's live event", () => {
  it("matches the thread API, reaches the socket and catch-up, and is stored once", async ({ expect }) => {
    const admin = await signInAdmin();
    const westside = await env.DB.prepare("select id from clinic_numbers where e164 = ?")
      .bind(DEMO.westsideNumber)
      .first<{ id: number }>();
    const numberId = westside?.id ?? 0;
    const socket = await connect(numberId, admin);
    const params = twilioInbound({ From: "+15550007001", Body: "Running 10 min late ☺" });
    const eventsBefore = await count("live_events");
    expect((await postTwilio("/webhooks/twilio/messages", params)).status).toBe(200);
    const [event] = await socket.waitFor(1);
    if (event?.type !== "message") throw new Error(`expected a message event, got ${event?.type}`);

    const res = await call(`/api/conversations/${event.conversationId}/messages`, { cookie: admin });
    const { messages } = await res.json<{ messages: unknown[] }>();
    expect(messages).toEqual([event.message]);
    expect(event).toMatchObject({ numberId, conversationId: event.message.conversationId });

    const catchUp = await call(`/api/live/events?after=${event.cursor - 1}&numberId=${numberId}`, {
      cookie: admin,
    });
    expect((await catchUp.json<{ events: LiveEvent[] }>()).events).toEqual([event]);

    expect((await postTwilio("/webhooks/twilio/messages", params)).status).toBe(200);
    expect(await count("live_events")).toBe(eventsBefore + 1);
  });
});
