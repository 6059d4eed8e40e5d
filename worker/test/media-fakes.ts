import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import twilio from "twilio";
import worker from "../index";
import { BASE } from "./helpers";
import { TWILIO_TOKEN, type FakeCall } from "./carriers";

/** Test doubles for photos (issue 14): bytes with real magic numbers, fake media hosts, the R2 side. */

/** Random bytes (getRandomValues fills at most 64 KiB per call). */
function noise(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536)
    crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65536)));
  return bytes;
}

export function png(size = 256): Uint8Array<ArrayBuffer> {
  const bytes = noise(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
}

export function jpeg(size = 256): Uint8Array<ArrayBuffer> {
  const bytes = noise(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}

export const VCARD = new TextEncoder().encode(
  "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Test Patient\r\nEND:VCARD\r\n",
);
export const HTML = new TextEncoder().encode("<!DOCTYPE html><html><script>alert(1)</script></html>");

export async function sha256(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Replaces fetch for every `https://*.fake` origin (the fake carriers' APIs and CDNs) and http loopback;
 * everything else goes to the real fetch. `answer` sees each request; calls are recorded in order.
 */
export function fakeHosts(answer: (call: FakeCall, n: number) => Response | Promise<Response>) {
  const calls: FakeCall[] = [];
  const real = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!/^(https:\/\/[a-z0-9.-]+\.fake|http:\/\/127\.0\.0\.1(:\d+)?)\//.test(request.url))
      return real(input, init);
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

/**
 * Posts a signed Twilio webhook with a context the test holds: the answer comes back while the work left in
 * `waitUntil` may still run, and `settle()` waits for it.
 */
export async function postTwilioHeld(params: Record<string, string>) {
  const path = "/webhooks/twilio/messages";
  const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${BASE}${path}`, params);
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      body: new URLSearchParams(params).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    }),
    env,
    ctx,
  );
  return { response, settle: () => waitOnExecutionContext(ctx) };
}

export type MediaRowView = {
  n: number;
  state: string;
  content_type: string;
  size: number | null;
  r2_key: string | null;
  note: string | null;
  attempts: number;
  source_url: string | null;
};

export async function mediaRows(carrierMessageId: string): Promise<MediaRowView[]> {
  const { results } = await env.DB.prepare(
    `select n, state, content_type, size, r2_key, note, attempts, source_url from message_media
     where message_id = (select id from messages where carrier_message_id = ?) order by n`,
  )
    .bind(carrierMessageId)
    .all<MediaRowView>();
  return results;
}

export async function messageIdOf(carrierMessageId: string): Promise<number> {
  const row = await env.DB.prepare("select id from messages where carrier_message_id = ?")
    .bind(carrierMessageId)
    .first<{ id: number }>();
  if (!row) throw new Error("no such message");
  return row.id;
}

export async function orgOf(carrierMessageId: string): Promise<number> {
  const row = await env.DB.prepare("select org_id from messages where carrier_message_id = ?")
    .bind(carrierMessageId)
    .first<{ org_id: number }>();
  if (!row) throw new Error("no such message");
  return row.org_id;
}
