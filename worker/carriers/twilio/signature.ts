import { sha256Hex, timingSafeEqual, utf8 } from "../../lib/crypto";

/**
 * X-Twilio-Signature, exactly as twilio-node 6.x computes it (lib/webhooks/webhooks.js): the full URL Twilio
 * requested, then every POST parameter (including empty ones, values decoded, Body untrimmed) as key+value,
 * keys in plain code-unit order; base64 HMAC-SHA1 with the account's auth token.
 * https://www.twilio.com/docs/usage/security#validating-requests
 */
export async function twilioSignature(
  authToken: string,
  url: string,
  params: ReadonlyArray<readonly [string, string]>,
): Promise<string> {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of params) byKey.set(key, [...(byKey.get(key) ?? []), value]);
  let data = url;
  for (const key of [...byKey.keys()].sort()) {
    for (const value of [...new Set(byKey.get(key))].sort()) data += key + value;
  }
  const key = await crypto.subtle.importKey("raw", utf8(authToken), { name: "HMAC", hash: "SHA-1" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(data)));
  let binary = "";
  for (const b of mac) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * The URL forms to try. Twilio's own validator tries the URL with and without the default port because
 * "signature generation on the back end is inconsistent"; the fragment (`#rc=…` retry overrides) never
 * reaches us, so it is never part of what we check.
 */
export function urlCandidates(url: string): string[] {
  const noFragment = url.split("#")[0] ?? url;
  const match = /^(https?):\/\/([^/?:]+)(?::(\d+))?(.*)$/i.exec(noFragment);
  if (!match) return [noFragment];
  const [, scheme = "", host = "", port, rest = ""] = match;
  const defaultPort = scheme.toLowerCase() === "https" ? "443" : "80";
  const candidates = new Set([noFragment]);
  if (port === undefined || port === defaultPort) {
    candidates.add(`${scheme}://${host}${rest}`);
    candidates.add(`${scheme}://${host}:${defaultPort}${rest}`);
  }
  return [...candidates];
}

export type TwilioSignedRequest = {
  authToken: string;
  signature: string | null;
  /** The public URL Twilio was given for this webhook, including its query string. */
  url: string;
  contentType: string;
  rawBody: string;
  /** The decoded form parameters (empty for JSON bodies). */
  params: ReadonlyArray<readonly [string, string]>;
};

/** True when the request carries a valid signature for this token. Never throws on bad input. */
export async function verifyTwilioSignature(request: TwilioSignedRequest): Promise<boolean> {
  if (!request.signature) return false;
  const expected = utf8(request.signature);
  // JSON webhooks: Twilio signs the URL only, with `bodySHA256=<hex sha256 of the raw body>` in its query
  // (twilio.com/docs/api/errors/57012), so the body is checked against that hash.
  const isJson = request.contentType.toLowerCase().includes("application/json");
  if (isJson) {
    const hash = new URL(request.url).searchParams.get("bodySHA256");
    if (!hash || !timingSafeEqual(utf8(await sha256Hex(request.rawBody)), utf8(hash.toLowerCase()))) {
      return false;
    }
  }
  for (const candidate of urlCandidates(request.url)) {
    const actual = await twilioSignature(request.authToken, candidate, isJson ? [] : request.params);
    if (timingSafeEqual(utf8(actual), expected)) return true;
  }
  return false;
}
