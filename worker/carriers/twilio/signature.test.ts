import { describe, it } from "vitest";
import twilio from "twilio";
import { twilioSignature, verifyTwilioSignature } from "./signature";

// The official SDK is the oracle: whatever it signs we must accept, and every mutation must fail for both.
const TOKEN = "0123456789abcdef0123456789abcdef";
const URL_ = "https://textdesk.test/webhooks/twilio/messages";
const params = {
  MessageSid: "SM0123456789abcdef0123456789abcdef",
  AccountSid: "AC00000000000000000000000000000000",
  From: "+15550001111",
  To: "+15551230002",
  Body: "  Hi, it's me \u{1F600} + & = ?  ",
  FromZip: "",
  NumMedia: "0",
};
const entries = (p: Record<string, string>) => Object.entries(p);

async function ours(
  signature: string,
  url: string,
  p: Record<string, string>,
  extra: Partial<{ contentType: string; rawBody: string }> = {},
) {
  return verifyTwilioSignature({
    authToken: TOKEN,
    signature,
    url,
    contentType: extra.contentType ?? "application/x-www-form-urlencoded",
    rawBody: extra.rawBody ?? new URLSearchParams(p).toString(),
    params: entries(p),
  });
}

describe("Twilio signature verification against the twilio SDK", () => {
  it("computes the documented test vector", async ({ expect }) => {
    const sig = await twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", [
      ["CallSid", "CA1234567890ABCDE"],
      ["Caller", "+12349013030"],
      ["Digits", "1234"],
      ["From", "+12349013030"],
      ["To", "+18005551212"],
    ]);
    expect(sig).toBe("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
  });

  it("accepts what the SDK signs, with and without :443", async ({ expect }) => {
    const sig = twilio.getExpectedTwilioSignature(TOKEN, URL_, params);
    expect(twilio.validateRequest(TOKEN, sig, URL_, params)).toBe(true);
    expect(await ours(sig, URL_, params)).toBe(true);
    const withPort = twilio.getExpectedTwilioSignature(
      TOKEN,
      "https://textdesk.test:443/webhooks/twilio/messages",
      params,
    );
    expect(await ours(withPort, URL_, params)).toBe(true);
    expect(await ours(sig, "https://textdesk.test:443/webhooks/twilio/messages", params)).toBe(true);
    // A callback URL with a query (our StatusCallback carries ?m=<id>) is signed as a whole.
    const q = `${URL_}?m=42`;
    expect(await ours(twilio.getExpectedTwilioSignature(TOKEN, q, params), q, params)).toBe(true);
  });

  it("refuses every mutation the SDK also refuses", async ({ expect }) => {
    const sig = twilio.getExpectedTwilioSignature(TOKEN, URL_, params);
    const { FromZip: _dropped, ...withoutEmpty } = params;
    const mutations: Array<[string, string, Record<string, string>]> = [
      ["changed parameter", URL_, { ...params, Body: "Hi" }],
      ["changed phone", URL_, { ...params, From: "+15550001112" }],
      ["dropped empty parameter", URL_, withoutEmpty],
      ["trimmed body", URL_, { ...params, Body: params.Body.trim() }],
      ["added parameter", URL_, { ...params, Extra: "1" }],
      ["other URL", "https://textdesk.test/webhooks/twilio/status", params],
      ["other host", "https://evil.test/webhooks/twilio/messages", params],
      ["trailing slash", `${URL_}/`, params],
      ["http instead of https", URL_.replace("https:", "http:"), params],
    ];
    for (const [label, url, p] of mutations) {
      expect(twilio.validateRequest(TOKEN, sig, url, p), label).toBe(false);
      expect(await ours(sig, url, p), label).toBe(false);
    }
    expect(await ours("", URL_, params)).toBe(false);
    expect(await ours("short", URL_, params)).toBe(false);
    expect(
      await verifyTwilioSignature({
        authToken: "ffffffffffffffffffffffffffffffff",
        signature: sig,
        url: URL_,
        contentType: "",
        rawBody: "",
        params: entries(params),
      }),
    ).toBe(false);
  });

  it("verifies JSON bodies by bodySHA256, as the SDK's validateRequestWithBody does", async ({ expect }) => {
    const body = '{"property": "value", "boolean": true}';
    const url = `${URL_}?bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620`;
    const sig = twilio.getExpectedTwilioSignature(TOKEN, url, {});
    expect(twilio.validateRequestWithBody(TOKEN, sig, url, body)).toBe(true);
    const json = { contentType: "application/json", rawBody: body };
    expect(await ours(sig, url, {}, json)).toBe(true);
    const tampered = { contentType: "application/json", rawBody: body.replace("value", "valuE") };
    expect(twilio.validateRequestWithBody(TOKEN, sig, url, tampered.rawBody)).toBe(false);
    expect(await ours(sig, url, {}, tampered)).toBe(false);
    expect(await ours(sig, URL_, {}, json)).toBe(false);
  });
});
