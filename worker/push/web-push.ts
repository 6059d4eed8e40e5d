/**
 * @module One Web Push request, built with WebCrypto only: the payload encrypted as `aes128gcm` (RFC 8291 on
 * RFC 8188) for the browser's keys, and the sender identified by VAPID (RFC 8292, an ES256 JWT).
 *
 * Why not @pushforge/builder: its 2.0.5 encrypts with the pre-RFC `aesgcm` draft (Encryption/Crypto-Key
 * headers), not RFC 8291's `aes128gcm`, and it refuses every http endpoint, so the loopback push service of
 * tests and local development could not be reached. @block65/webcrypto-web-push does aes128gcm but also
 * refuses http. The tests decrypt what this module sends with `http_ece` (by RFC 8188's author), an
 * implementation independent of this one, and verify the JWT with the public key.
 */
import { utf8 } from "../lib/crypto";
import { base64UrlToBytes, bytesToBase64Url } from "./base64url";

export type PushTarget = { endpoint: string; p256dh: string; auth: string };

/** VAPID keys as the Worker's secrets hold them: base64url of the 65-byte public point and of the 32-byte d. */
export type VapidKeys = { publicKey: string; privateKey: string; subject: string };

export type PushRequestInit = {
  /** Seconds the push service may hold the message for an offline device (RFC 8030 §5.2). */
  ttl: number;
  urgency: "very-low" | "low" | "normal" | "high";
  /** Replaces a not-yet-delivered message with the same topic (RFC 8030 §5.4): 1–32 base64url characters. */
  topic?: string;
  now: number;
};

/** RFC 8188 record size. One record holds the whole payload; push services accept up to 4096 bytes. */
const RECORD_SIZE = 4096;
/** RFC 8292 §2: at most 24 hours; 12 leaves room for clock skew between us and the push service. */
const JWT_LIFETIME_S = 12 * 60 * 60;

export async function buildPushRequest(
  target: PushTarget,
  payload: string,
  vapid: VapidKeys,
  init: PushRequestInit,
): Promise<Request> {
  const body = await encryptAes128gcm(target, utf8(payload));
  const headers = new Headers({
    "content-encoding": "aes128gcm",
    "content-type": "application/octet-stream",
    ttl: String(init.ttl),
    urgency: init.urgency,
    authorization: await vapidAuthorization(new URL(target.endpoint).origin, vapid, init.now),
  });
  if (init.topic) headers.set("topic", init.topic);
  return new Request(target.endpoint, { method: "POST", headers, body });
}

/** `vapid t=<jwt>, k=<public key>` (RFC 8292 §3). */
export async function vapidAuthorization(audience: string, vapid: VapidKeys, now: number): Promise<string> {
  const header = bytesToBase64Url(utf8(JSON.stringify({ typ: "JWT", alg: "ES256" })));
  const claims = { aud: audience, exp: Math.floor(now / 1000) + JWT_LIFETIME_S, sub: vapid.subject };
  const unsigned = `${header}.${bytesToBase64Url(utf8(JSON.stringify(claims)))}`;
  const key = await crypto.subtle.importKey(
    "jwk",
    vapidJwk(vapid),
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
  // WebCrypto's ECDSA signature is already JWS's r || s (64 bytes), not DER.
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, utf8(unsigned));
  return `vapid t=${unsigned}.${bytesToBase64Url(new Uint8Array(signature))}, k=${vapid.publicKey}`;
}

function vapidJwk(vapid: VapidKeys): JsonWebKey {
  const point = base64UrlToBytes(vapid.publicKey);
  if (point.length !== 65 || point[0] !== 0x04) throw new Error("VAPID_PUBLIC_KEY is not a P-256 point");
  return {
    kty: "EC",
    crv: "P-256",
    x: bytesToBase64Url(point.slice(1, 33)),
    y: bytesToBase64Url(point.slice(33)),
    d: vapid.privateKey,
  };
}

/** RFC 8291 §3.4 and RFC 8188 §2: one record, header salt || rs || idlen || keyid (our ephemeral public key). */
async function encryptAes128gcm(
  target: PushTarget,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  if (plaintext.length + 1 + 16 > RECORD_SIZE) throw new Error("push payload too large");
  const uaPublic = base64UrlToBytes(target.p256dh);
  const authSecret = base64UrlToBytes(target.auth);
  const uaKey = await crypto.subtle.importKey(
    "raw",
    uaPublic,
    { name: "ECDH", namedCurve: "P-256" },
    false,
    [],
  );
  const local = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
    "deriveBits",
  ])) as CryptoKeyPair;
  const asPublic = new Uint8Array((await crypto.subtle.exportKey("raw", local.publicKey)) as ArrayBuffer);
  // A variable, not a literal: workers-types spells the member `$public`, the runtime (and WebCrypto) `public`.
  const ecdh = { name: "ECDH", public: uaKey };
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdh, local.privateKey, 256));
  // IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0x00 || ua_public || as_public, 32)
  const keyInfo = concat(utf8("WebPush: info\0"), uaPublic, asPublic);
  const ikm = await hkdf(authSecret, ecdhSecret, keyInfo, 32);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const cek = await hkdf(salt, ikm, utf8("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, utf8("Content-Encoding: nonce\0"), 12);
  // The last (only) record ends with the 0x02 delimiter; no further padding.
  const record = concat(plaintext, new Uint8Array([2]));
  const aesKey = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["encrypt"]);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce }, aesKey, record),
  );
  const rs = new Uint8Array(4);
  new DataView(rs.buffer).setUint32(0, RECORD_SIZE);
  return concat(salt, rs, new Uint8Array([asPublic.length]), asPublic, ciphertext);
}

async function hkdf(
  salt: Uint8Array<ArrayBuffer>,
  ikm: Uint8Array<ArrayBuffer>,
  info: Uint8Array<ArrayBuffer>,
  length: number,
) {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(
    await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, length * 8),
  );
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
