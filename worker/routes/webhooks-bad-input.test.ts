import { beforeAll, describe, it } from "vitest";
import { call, DEMO, errorOf, seed } from "../test/helpers";
import {
  count,
  postTelnyx,
  postTwilio,
  randomSid,
  telnyxEvent,
  telnyxKeys,
  twilioInbound,
} from "../test/carriers";

beforeAll(seed);

const noRows = async () =>
  (await count("messages")) +
  (await count("conversations")) +
  (await count("opt_outs")) +
  (await count("carrier_events"));

describe("bad webhooks: a clear answer and nothing stored", () => {
  it.for([
    ["unknown To", 404, () => postTwilio("/webhooks/twilio/messages", twilioInbound({ To: "+15559990000" }))],
    [
      "a simulator number on the Twilio route",
      404,
      () => postTwilio("/webhooks/twilio/messages", twilioInbound({ To: DEMO.mainNumber })),
    ],
    [
      "bad signature",
      403,
      () =>
        postTwilio("/webhooks/twilio/messages", twilioInbound(), {
          signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        }),
    ],
    [
      "missing signature",
      403,
      () =>
        call("/webhooks/twilio/messages", {
          method: "POST",
          body: new URLSearchParams(twilioInbound()).toString(),
          headers: { "content-type": "application/x-www-form-urlencoded" },
        }),
    ],
    [
      "another practice's token",
      403,
      () =>
        postTwilio("/webhooks/twilio/messages", twilioInbound(), {
          token: "ffffffffffffffffffffffffffffffff",
        }),
    ],
    [
      "signed for another URL",
      403,
      () =>
        postTwilio("/webhooks/twilio/messages", twilioInbound(), {
          signedUrl: "https://evil.test/webhooks/twilio/messages",
        }),
    ],
    [
      "wrong account",
      403,
      () => postTwilio("/webhooks/twilio/messages", twilioInbound({ AccountSid: `AC${"1".repeat(32)}` })),
    ],
    [
      "missing From",
      400,
      () => {
        const { From: _f, ...p } = twilioInbound();
        return postTwilio("/webhooks/twilio/messages", p);
      },
    ],
    [
      "missing Body",
      400,
      () => {
        const { Body: _b, ...p } = twilioInbound();
        return postTwilio("/webhooks/twilio/messages", p);
      },
    ],
    [
      "From not a phone",
      400,
      () => postTwilio("/webhooks/twilio/messages", twilioInbound({ From: "whatsapp:nope" })),
    ],
    [
      "missing To",
      400,
      () => {
        const { To: _t, ...p } = twilioInbound();
        return postTwilio("/webhooks/twilio/messages", p);
      },
    ],
    [
      "over 64 KiB",
      413,
      () => postTwilio("/webhooks/twilio/messages", twilioInbound({ Body: "x".repeat(70_000) })),
    ],
    [
      "malformed Telnyx JSON",
      400,
      () =>
        call("/webhooks/telnyx", {
          method: "POST",
          body: "{nope",
          headers: { "content-type": "application/json" },
        }),
    ],
    [
      "Telnyx event for an unknown number",
      404,
      async () =>
        postTelnyx(
          telnyxEvent("message.received", {
            id: "m1",
            from: { phone_number: DEMO.testPatientPhone },
            to: [{ phone_number: "+15559990001" }],
            text: "hi",
          }),
          await telnyxKeys(),
        ),
    ],
  ] as const)("%s -> %i", async ([, status, send], { expect }) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect((await errorOf(res))?.code).toBeTruthy();
    expect(await noRows()).toBe(0);
  });

  it("answers 200 to a status callback for a message we never sent, and stores nothing", async ({
    expect,
  }) => {
    const res = await postTwilio("/webhooks/twilio/status", {
      MessageSid: randomSid(),
      MessageStatus: "delivered",
      AccountSid: DEMO.twilio.accountSid,
      From: DEMO.westsideNumber,
      To: DEMO.testPatientPhone,
      ApiVersion: "2010-04-01",
    });
    expect(res.status).toBe(200);
    expect(await noRows()).toBe(0);
  });
});
