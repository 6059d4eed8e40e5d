import { env, exports } from "cloudflare:workers";
import twilio from "twilio";
import { BASE, call, DEMO, signInAdmin } from "./helpers";

/** Test doubles for carriers: webhooks signed by the official SDKs (or the documented scheme), fake REST APIs. */

export const TWILIO_TOKEN = DEMO.twilio.authToken;

export function randomSid(prefix = "SM") {
  return (
    prefix +
    [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")
  );
}

/** An inbound-text webhook as Twilio sends it, empty geo fields included (they are part of the signature). */
export function twilioInbound(overrides: Record<string, string> = {}): Record<string, string> {
  const sid = randomSid();
  return {
    ToCountry: "US",
    ToState: "",
    SmsMessageSid: sid,
    NumMedia: "0",
    ToCity: "",
    FromZip: "",
    SmsSid: sid,
    FromState: "",
    SmsStatus: "received",
    FromCity: "",
    Body: "Hello, is the clinic open tomorrow?",
    FromCountry: "US",
    To: DEMO.westsideNumber,
    ToZip: "",
    NumSegments: "1",
    MessageSid: sid,
    AccountSid: DEMO.twilio.accountSid,
    From: DEMO.testPatientPhone,
    ApiVersion: "2010-04-01",
    ...overrides,
  };
}

/** Posts form params to a Twilio webhook path, signed by the twilio SDK unless `signature` is given. */
export async function postTwilio(
  path: string,
  params: Record<string, string>,
  options: { signature?: string; token?: string; signedUrl?: string; settle?: boolean } = {},
) {
  const signature =
    options.signature ??
    twilio.getExpectedTwilioSignature(
      options.token ?? TWILIO_TOKEN,
      options.signedUrl ?? `${BASE}${path}`,
      params,
    );
  return call(path, {
    method: "POST",
    body: new URLSearchParams(params).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    settle: options.settle,
  });
}

export type TelnyxKeys = { publicKey: string; sign: (body: string, timestamp: number) => Promise<string> };

export async function telnyxKeys(): Promise<TelnyxKeys> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const toB64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  return {
    publicKey: toB64(raw),
    sign: async (body, timestamp) =>
      toB64(
        new Uint8Array(
          await crypto.subtle.sign(
            "Ed25519",
            pair.privateKey,
            new TextEncoder().encode(`${timestamp}|${body}`),
          ),
        ),
      ),
  };
}

export const TELNYX_NUMBER = "+15551230003";

/** Adds a Telnyx clinic number to the demo practice and returns the keys that sign its webhooks. */
export async function addTelnyxNumber(e164 = TELNYX_NUMBER): Promise<TelnyxKeys & { id: number }> {
  const keys = await telnyxKeys();
  const admin = await signInAdmin();
  const res = await call("/api/admin/numbers", {
    cookie: admin,
    json: {
      e164,
      label: "Telnyx line",
      carrier: "telnyx",
      credentials: { apiKey: "KEY0123456789abcdef", publicKey: keys.publicKey },
    },
  });
  if (res.status !== 201) throw new Error(`add telnyx number: ${res.status} ${await res.text()}`);
  const { number } = await res.json<{ number: { id: number } }>();
  return { ...keys, id: number.id };
}

export function telnyxEvent(type: string, payload: Record<string, unknown>, eventId = crypto.randomUUID()) {
  return JSON.stringify({
    data: {
      record_type: "event",
      id: eventId,
      event_type: type,
      occurred_at: new Date().toISOString(),
      payload,
    },
    meta: { attempt: 1, delivered_to: `${BASE}/webhooks/telnyx` },
  });
}

export async function postTelnyx(body: string, keys: TelnyxKeys, timestamp = Math.floor(Date.now() / 1000)) {
  return call("/webhooks/telnyx", {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "telnyx-timestamp": String(timestamp),
      "telnyx-signature-ed25519": await keys.sign(body, timestamp),
    },
  });
}

/**
 * Posts to the simulator as the patient's phone. With `settle`, returns only once the replies and alerts
 * the text set off (in `waitUntil`) are done, so a test can assert that none went out.
 */
export function simulate(
  from: string,
  body: string,
  to: string = DEMO.mainNumber,
  options: { settle?: boolean } = {},
) {
  return call("/api/simulator/messages", { json: { from, to, body }, settle: options.settle });
}

export async function count(table: string, where = "1 = 1", ...binds: unknown[]) {
  const row = await env.DB.prepare(`select count(*) as n from ${table} where ${where}`)
    .bind(...binds)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Polls until `check` passes: keyword replies and alerts run in waitUntil, after the webhook answered. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 3000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

export type FakeCall = { url: string; method: string; headers: Headers; body: string };

/**
 * Replaces fetch at the HTTP boundary for requests to the fake carrier origins (TWILIO_API_BASE and
 * TELNYX_API_BASE in worker/vitest.config.ts); everything else goes to the real fetch.
 */
export function fakeCarrier(answer: (call: FakeCall, n: number) => Response | Promise<Response>) {
  const calls: FakeCall[] = [];
  const real = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!/^https:\/\/(twilio|telnyx)\.fake\//.test(request.url)) return real(input, init);
    const recorded = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: await request.text(),
    };
    calls.push(recorded);
    return answer(recorded, calls.length);
  };
  return { calls, restore: () => (globalThis.fetch = real) };
}

export { exports };
