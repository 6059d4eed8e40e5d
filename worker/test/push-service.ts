/**
 * A fake push service at the HTTP boundary, on loopback (PUSH_ALLOW_LOOPBACK is on in worker/vitest.config.ts),
 * and browser-side subscribers whose private keys stay in the test: what arrives is decrypted with http_ece
 * (RFC 8188's author's implementation, independent of worker/push/web-push.ts) using node's own ECDH.
 */
import { createECDH } from "node:crypto";
import { Buffer } from "node:buffer";
import ece from "http_ece";
import { onTestFinished } from "vitest";

export const PUSH_ORIGIN = "http://127.0.0.1:8790";

export type PushCall = { url: string; headers: Headers; body: Uint8Array };
/** A response, or "hang": never answer (until the sender gives up and aborts). */
export type PushAnswer = Response | "hang";

/** Replaces fetch for PUSH_ORIGIN until the test ends; everything else goes to the real fetch. */
export function fakePushService(
  answer: (call: PushCall, n: number) => PushAnswer = () => new Response(null, { status: 201 }),
) {
  const calls: PushCall[] = [];
  const real = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(`${PUSH_ORIGIN}/`)) return real(input, init);
    const call = {
      url: request.url,
      headers: request.headers,
      body: new Uint8Array(await request.arrayBuffer()),
    };
    calls.push(call);
    const answered = answer(call, calls.length);
    if (answered !== "hang") return answered;
    return new Promise<Response>((_, reject) => {
      request.signal.addEventListener("abort", () => reject(new Error("push request aborted")));
    });
  };
  onTestFinished(() => {
    globalThis.fetch = real;
  });
  return calls;
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/** A browser's push subscription on the fake service, with the keys to read what it is sent. */
export function newSubscriber(name: string) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = crypto.getRandomValues(new Uint8Array(16));
  const endpoint = `${PUSH_ORIGIN}/push/${name}-${crypto.randomUUID()}`;
  return {
    endpoint,
    json: {
      endpoint,
      expirationTime: null,
      keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) },
    },
    /** The plaintext of an aes128gcm body sent to this subscriber. */
    decrypt(body: Uint8Array): string {
      const plain = ece.decrypt(Buffer.from(body), {
        version: "aes128gcm",
        privateKey: ecdh,
        authSecret: Buffer.from(auth),
      });
      return new TextDecoder().decode(plain);
    },
  };
}

const fromB64url = (text: string) => {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
};

/**
 * Checks a push's `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292) as a push service would: the key, an
 * ES256 signature by it, the audience (the endpoint's origin) and an expiry in the next 24 hours.
 */
export async function verifyVapid(call: PushCall, publicKey: string, now = Date.now()) {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(
    call.headers.get("authorization") ?? "",
  );
  if (!match?.[1] || !match[2])
    throw new Error(`not a vapid Authorization: ${call.headers.get("authorization")}`);
  const [token, k] = [match[1], match[2]];
  if (k !== publicKey) throw new Error("k is not the VAPID public key");
  const [header = "", claims = "", signature = ""] = token.split(".");
  const key = await crypto.subtle.importKey(
    "raw",
    fromB64url(k),
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["verify"],
  );
  const valid = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    fromB64url(signature),
    new TextEncoder().encode(`${header}.${claims}`),
  );
  const decoded = (part: string) =>
    JSON.parse(new TextDecoder().decode(fromB64url(part))) as Record<string, unknown>;
  return { valid, header: decoded(header), claims: decoded(claims), nowSeconds: Math.floor(now / 1000) };
}
