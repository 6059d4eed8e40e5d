import { env } from "cloudflare:workers";
import { afterEach, beforeAll, it } from "vitest";
import { demoNumbers } from "../test/messages-fixture";
import { call, DEMO, errorOf, seed, signInAdmin } from "../test/helpers";
import { fakeCarrier, postTwilio, randomSid } from "../test/carriers";

let admin: string;
let westside: number;
let fake: ReturnType<typeof fakeCarrier> | undefined;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  ({ westside } = await demoNumbers());
});
afterEach(() => fake?.restore());

it("a status callback with Twilio's opted-out code 21610 records the opt-out; the next send is refused", async ({
  expect,
}) => {
  const phone = "+15550007001";
  fake = fakeCarrier(() => Response.json({ sid: randomSid(), status: "queued" }, { status: 201 }));
  const sent = await call("/api/messages", {
    cookie: admin,
    json: { numberId: westside, phone, body: "See you Tuesday", idempotencyKey: "status-opt-out-1" },
  });
  expect(sent.status).toBe(201);
  const { message } = await sent.json<{ message: { id: number } }>();
  const row = await env.DB.prepare("select carrier_message_id as sid from messages where id = ?")
    .bind(message.id)
    .first<{ sid: string }>();
  const sid = row?.sid ?? "";

  // The carrier accepted the text, then reported later that the phone had replied STOP to it.
  const callback = await postTwilio(`/webhooks/twilio/status?m=${message.id}`, {
    MessageSid: sid,
    SmsSid: sid,
    MessageStatus: "undelivered",
    SmsStatus: "undelivered",
    ErrorCode: "21610",
    AccountSid: DEMO.twilio.accountSid,
    From: DEMO.westsideNumber,
    To: phone,
    ApiVersion: "2010-04-01",
  });
  expect(callback.status).toBe(200);

  const optOut = await env.DB.prepare(
    "select opted_out as optedOut, keyword from opt_outs where number_id = ? and phone = ?",
  )
    .bind(westside, phone)
    .first<{ optedOut: number; keyword: string }>();
  expect(optOut).toEqual({ optedOut: 1, keyword: "carrier:21610" });

  const before = fake.calls.length;
  const again = await call("/api/messages", {
    cookie: admin,
    json: { numberId: westside, phone, body: "Are you still coming?", idempotencyKey: "status-opt-out-2" },
  });
  expect(again.status).toBe(409);
  expect((await errorOf(again))?.code).toBe("opted_out");
  expect(fake.calls.length).toBe(before);
});
