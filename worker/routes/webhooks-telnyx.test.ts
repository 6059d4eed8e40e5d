import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, it } from "vitest";
import { createDb } from "../db/client";
import { DEMO, seed } from "../test/helpers";
import {
  addTelnyxNumber,
  count,
  fakeCarrier,
  postTelnyx,
  TELNYX_NUMBER,
  telnyxEvent,
  type TelnyxKeys,
} from "../test/carriers";
import { sendText } from "../messaging/send-text";

let keys: TelnyxKeys & { id: number };
beforeAll(async () => {
  await seed();
  keys = await addTelnyxNumber();
});
let fake: ReturnType<typeof fakeCarrier> | undefined;
afterEach(() => fake?.restore());

const received = (id: string, text: string, from = DEMO.testPatientPhone) => ({
  record_type: "message",
  direction: "inbound",
  id,
  type: "SMS",
  from: { phone_number: from, carrier: "T-MOBILE" },
  to: [{ phone_number: TELNYX_NUMBER, status: "delivered" }],
  text,
  encoding: "GSM-7",
  parts: 1,
  errors: [],
});

describe("Telnyx webhooks", () => {
  it("stores message.received once, even when the same event is retried", async ({ expect }) => {
    const body = telnyxEvent("message.received", received("msg-1", "Running late"), "evt-1");
    expect((await postTelnyx(body, keys)).status).toBe(200);
    expect((await postTelnyx(body, keys)).status).toBe(200);
    expect(await count("messages", "carrier = 'telnyx' and carrier_message_id = 'msg-1'")).toBe(1);
  });

  it("refuses a stale timestamp with 403 and stores nothing", async ({ expect }) => {
    const body = telnyxEvent("message.received", received("msg-stale", "hello"));
    const res = await postTelnyx(body, keys, Math.floor(Date.now() / 1000) - 301);
    expect(res.status).toBe(403);
    expect(await count("messages", "carrier_message_id = 'msg-stale'")).toBe(0);
  });

  it("sends through /v2/messages and applies message.sent and message.finalized, forward only", async ({
    expect,
  }) => {
    fake = fakeCarrier(() =>
      Response.json({ data: { id: "out-1", to: [{ phone_number: "+15550007001", status: "queued" }] } }),
    );
    const message = await sendText({
      db: createDb(env.DB),
      env,
      numberId: keys.id,
      phone: "+15550007001",
      body: "See you soon",
      kind: "direct",
      authorUserId: null,
      idempotencyKey: null,
    });
    const [req] = fake.calls;
    expect(req?.url).toBe("https://telnyx.fake/v2/messages");
    expect(req?.headers.get("authorization")).toBe("Bearer KEY0123456789abcdef");
    expect(JSON.parse(req?.body ?? "{}")).toMatchObject({
      from: TELNYX_NUMBER,
      to: "+15550007001",
      text: "See you soon",
      webhook_url: "https://textdesk.test/webhooks/telnyx",
    });
    expect(message.carrierMessageId).toBe("out-1");

    const outbound = (status: string, errors: unknown[] = []) => ({
      record_type: "message",
      direction: "outbound",
      id: "out-1",
      from: { phone_number: TELNYX_NUMBER },
      to: [{ phone_number: "+15550007001", status }],
      text: "See you soon",
      errors,
    });
    const finalized = telnyxEvent("message.finalized", outbound("delivered"), "evt-fin");
    expect((await postTelnyx(finalized, keys)).status).toBe(200);
    expect((await postTelnyx(telnyxEvent("message.sent", outbound("sent"), "evt-sent"), keys)).status).toBe(
      200,
    );
    expect((await postTelnyx(finalized, keys)).status).toBe(200);
    const row = await env.DB.prepare("select status from messages where id = ?").bind(message.id).first();
    expect(row).toEqual({ status: "delivered" });
    expect(await count("carrier_events", "event_id = 'evt-fin'")).toBe(1);
  });

  it("keeps the code and reason of a failed delivery", async ({ expect }) => {
    fake = fakeCarrier(() => Response.json({ data: { id: "out-2" } }));
    const message = await sendText({
      db: createDb(env.DB),
      env,
      numberId: keys.id,
      phone: "+15550007002",
      body: "Hi",
      kind: "direct",
      authorUserId: null,
      idempotencyKey: null,
    });
    const body = telnyxEvent("message.finalized", {
      record_type: "message",
      direction: "outbound",
      id: "out-2",
      from: { phone_number: TELNYX_NUMBER },
      to: [{ phone_number: "+15550007002", status: "delivery_failed" }],
      errors: [{ code: "40006", title: "Recipient unavailable" }],
    });
    expect((await postTelnyx(body, keys)).status).toBe(200);
    const row = await env.DB.prepare("select status, error_code, error_reason from messages where id = ?")
      .bind(message.id)
      .first();
    expect(row).toMatchObject({
      status: "undelivered",
      error_code: "40006",
      error_reason: expect.stringMatching(/off or out of reach/) as unknown,
    });
  });
});
