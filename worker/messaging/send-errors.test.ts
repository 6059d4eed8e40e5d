import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, it } from "vitest";
import { createDb } from "../db/client";
import { DEMO, seed } from "../test/helpers";
import { count, fakeCarrier, postTwilio, randomSid } from "../test/carriers";
import { sendText } from "./send-text";

beforeAll(seed);
let fake: ReturnType<typeof fakeCarrier> | undefined;
afterEach(() => fake?.restore());

const westside = async () =>
  (
    await env.DB.prepare("select id from clinic_numbers where e164 = ?")
      .bind(DEMO.westsideNumber)
      .first<{ id: number }>()
  )?.id ?? 0;
const twilioError = (status: number, code: number, message = "error") =>
  Response.json(
    { code, message, status, more_info: `https://www.twilio.com/docs/errors/${code}` },
    { status },
  );
const noSleep = () => Promise.resolve();

async function send(phone: string, body = "Your lab results are ready") {
  return sendText(
    {
      db: createDb(env.DB),
      env,
      numberId: await westside(),
      phone,
      body,
      kind: "direct",
      authorUserId: null,
      idempotencyKey: null,
    },
    { sleep: noSleep },
  );
}

describe("sending through Twilio's REST API (fake carrier)", () => {
  it("posts Messages.json with Basic auth and a status callback, then follows callbacks forward only", async ({
    expect,
  }) => {
    const sid = randomSid();
    fake = fakeCarrier(() => Response.json({ sid, status: "queued" }, { status: 201 }));
    const message = await send("+15550005001");
    expect(message.status).toBe("queued");
    expect(message.carrierMessageId).toBe(sid);
    const [req] = fake.calls;
    expect(req?.url).toBe(`https://twilio.fake/2010-04-01/Accounts/${DEMO.twilio.accountSid}/Messages.json`);
    expect(req?.headers.get("authorization")).toBe(
      `Basic ${btoa(`${DEMO.twilio.accountSid}:${DEMO.twilio.authToken}`)}`,
    );
    const form = new URLSearchParams(req?.body);
    expect(form.get("To")).toBe("+15550005001");
    expect(form.get("From")).toBe(DEMO.westsideNumber);
    expect(form.get("StatusCallback")).toBe(`https://textdesk.test/webhooks/twilio/status?m=${message.id}`);

    const callback = (MessageStatus: string, extra: Record<string, string> = {}) =>
      postTwilio(`/webhooks/twilio/status?m=${message.id}`, {
        MessageSid: sid,
        SmsSid: sid,
        MessageStatus,
        SmsStatus: MessageStatus,
        AccountSid: DEMO.twilio.accountSid,
        From: DEMO.westsideNumber,
        To: "+15550005001",
        ApiVersion: "2010-04-01",
        ...extra,
      });
    expect((await callback("delivered")).status).toBe(200);
    expect((await callback("sent")).status).toBe(200);
    expect((await callback("undelivered", { ErrorCode: "30003" })).status).toBe(200);
    const row = await env.DB.prepare("select status, error_code from messages where id = ?")
      .bind(message.id)
      .first();
    expect(row).toEqual({ status: "delivered", error_code: null });
  });

  it("21610: failed with a reason, and the phone is opted out on our side too", async ({ expect }) => {
    fake = fakeCarrier(() => twilioError(400, 21610, "Attempt to send to unsubscribed recipient"));
    const message = await send("+15550005002");
    expect(message).toMatchObject({ status: "failed", errorCode: "21610" });
    expect(message.errorReason).toMatch(/STOP/);
    expect(await count("opt_outs", "phone = ? and opted_out = 1", "+15550005002")).toBe(1);
    await expect(send("+15550005002")).rejects.toMatchObject({ code: "opted_out" });
    expect(fake.calls).toHaveLength(1);
  });

  it.for([21211, 21614, 30006])(
    "%i: a number that cannot take texts, not retried",
    async (code, { expect }) => {
      fake = fakeCarrier(() => twilioError(400, code));
      const message = await send(`+1555000${6000 + (code % 1000)}`);
      expect(message).toMatchObject({ status: "failed", errorCode: String(code) });
      expect(message.errorReason).toMatch(
        code === 21211 ? /not a valid phone number/ : /cannot receive texts/,
      );
      expect(fake.calls).toHaveLength(1);
    },
  );

  it("429 and 5xx: retried with backoff, bounded", async ({ expect }) => {
    fake = fakeCarrier((_c, n) =>
      n === 1
        ? twilioError(429, 20429)
        : n === 2
          ? new Response("oops", { status: 503 })
          : Response.json({ sid: randomSid(), status: "queued" }, { status: 201 }),
    );
    expect((await send("+15550005010")).status).toBe("queued");
    expect(fake.calls).toHaveLength(3);
    fake.restore();
    fake = fakeCarrier(() => new Response("down", { status: 500 }));
    const failed = await send("+15550005011");
    expect(failed).toMatchObject({ status: "failed", errorCode: "http_500" });
    expect(fake.calls).toHaveLength(3);
  });

  it("a timeout after the request left is never retried (no double text); a later callback adopts it", async ({
    expect,
  }) => {
    fake = fakeCarrier(() => Promise.reject(new DOMException("timed out", "TimeoutError")));
    const message = await send("+15550005020");
    expect(message).toMatchObject({ status: "sending", errorCode: "timeout", carrierMessageId: null });
    expect(fake.calls).toHaveLength(1);
    const sid = randomSid();
    const res = await postTwilio(`/webhooks/twilio/status?m=${message.id}`, {
      MessageSid: sid,
      MessageStatus: "delivered",
      AccountSid: DEMO.twilio.accountSid,
      From: DEMO.westsideNumber,
      To: "+15550005020",
    });
    expect(res.status).toBe(200);
    const row = await env.DB.prepare("select status, carrier_message_id from messages where id = ?")
      .bind(message.id)
      .first();
    expect(row).toEqual({ status: "delivered", carrier_message_id: sid });
  });

  it("the same idempotency key sends once", async ({ expect }) => {
    fake = fakeCarrier(() => Response.json({ sid: randomSid(), status: "queued" }, { status: 201 }));
    const input = {
      db: createDb(env.DB),
      env,
      numberId: await westside(),
      phone: "+15550005030",
      body: "Hi",
      kind: "direct" as const,
      authorUserId: null,
      idempotencyKey: "click-1",
    };
    const [a, b] = await Promise.all([
      sendText(input, { sleep: noSleep }),
      sendText(input, { sleep: noSleep }),
    ]);
    expect(a.id).toBe(b.id);
    expect(fake.calls).toHaveLength(1);
  });
});
