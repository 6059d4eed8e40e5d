import { onTestFinished } from "vitest";
import type { KeyWebhook } from "./api-bodies";
import { call } from "./helpers";
import { createApiKey } from "./practice-api";

/** An API key whose practice-system webhook points at https://pms.fake/textdesk. */
export async function keyWithWebhook() {
  const key = await createApiKey("PMS with webhooks");
  const res = await call(`/api/admin/api-keys/${key.id}/webhook`, {
    method: "PUT",
    cookie: key.cookie,
    json: { url: "https://pms.fake/textdesk" } satisfies KeyWebhook,
  });
  if (res.status !== 200) throw new Error(`webhook: ${res.status} ${await res.text()}`);
  const { secret: webhookSecret } = await res.json<{ secret: string }>();
  return { ...key, webhookSecret };
}

export type Hook = { type: string; id: number; data: Record<string, unknown> };
export type Received = { hook: Hook; headers: Headers; body: string };

/** The practice system's endpoint: records what arrives, answering with `status`. */
export function pmsEndpoint(status: () => number) {
  const received: Received[] = [];
  const real = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!request.url.startsWith("https://pms.fake/")) return real(input, init);
    const body = await request.text();
    received.push({ hook: JSON.parse(body) as Hook, headers: request.headers, body });
    return new Response(null, { status: status() });
  };
  onTestFinished(() => {
    globalThis.fetch = real;
  });
  return received;
}

export async function hmacHex(key: string, text: string) {
  const enc = new TextEncoder();
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(text)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}
