/**
 * @module What a browser's PushSubscription must be before it is stored: an https endpoint (RFC 8030 §2;
 * plain http only on loopback where PUSH_ALLOW_LOOPBACK is on), a P-256 public key the runtime can actually
 * import, and a 16-byte auth secret (RFC 8291 §3.2). Each failure names the field, for a precise 400.
 */
import { z } from "zod";
import { base64UrlToBytes } from "./base64url";

/** Endpoints seen in the wild are under 600 characters; this bounds a row, not a real browser. */
export const ENDPOINT_MAX_LENGTH = 2048;

/** The standard `PushSubscription.toJSON()` shape. */
export const subscriptionSchema = z.object({
  endpoint: z
    .string()
    .min(1, "is required")
    .max(ENDPOINT_MAX_LENGTH, `is longer than ${ENDPOINT_MAX_LENGTH} characters`),
  expirationTime: z.number().int().nonnegative().nullable().default(null),
  keys: z.object({
    p256dh: z.string().min(1, "is required").max(200),
    auth: z.string().min(1, "is required").max(100),
  }),
});
export type SubscriptionInput = z.infer<typeof subscriptionSchema>;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** The first thing wrong with the subscription, as `field: reason`, or null when it may be stored. */
export async function subscriptionProblem(
  input: SubscriptionInput,
  allowLoopback: boolean,
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(input.endpoint);
  } catch {
    return "endpoint: is not a URL";
  }
  const loopbackHttp = url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname) && allowLoopback;
  if (url.protocol !== "https:" && !loopbackHttp) return "endpoint: must be an https URL";
  if (url.username || url.password) return "endpoint: must not carry credentials";

  const point = decode(input.keys.p256dh);
  if (!point || point.length !== 65 || point[0] !== 0x04) {
    return "keys.p256dh: is not an uncompressed P-256 public key (65 bytes, base64url)";
  }
  try {
    // The length and prefix are not enough: the point must be on the curve, or encryption fails at send time.
    await crypto.subtle.importKey("raw", point, { name: "ECDH", namedCurve: "P-256" }, false, []);
  } catch {
    return "keys.p256dh: is not a point on the P-256 curve";
  }
  const auth = decode(input.keys.auth);
  if (!auth || auth.length !== 16) return "keys.auth: is not 16 bytes (base64url)";
  return null;
}

function decode(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return base64UrlToBytes(text);
  } catch {
    return null;
  }
}

/** "Chrome on Android": enough to tell one's devices apart in the list, nothing more from the user agent. */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? "";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrome\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : "Browser";
  const os = /Android/.test(ua)
    ? "Android"
    : /iPhone/.test(ua)
      ? "iPhone"
      : /iPad/.test(ua)
        ? "iPad"
        : /Mac OS X/.test(ua)
          ? "Mac"
          : /Windows/.test(ua)
            ? "Windows"
            : /Linux/.test(ua)
              ? "Linux"
              : "";
  return os ? `${browser} on ${os}` : browser;
}
