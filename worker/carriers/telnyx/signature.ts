import { base64ToBytes, utf8 } from "../../lib/crypto";

/** Telnyx refuses events older (or newer) than five minutes, as its SDK does (src/lib/webhooks.ts). */
export const TELNYX_TOLERANCE_SECONDS = 300;

/**
 * `telnyx-signature-ed25519` is base64 Ed25519 over `${telnyx-timestamp}|${raw body}` with the account's
 * public key (base64 of 32 raw bytes, from Mission Control). The raw body is verified as received, never
 * re-serialised JSON. Returns false for anything malformed instead of throwing.
 */
export async function verifyTelnyxSignature(input: {
  publicKey: string;
  signature: string | null;
  timestamp: string | null;
  rawBody: string;
  nowSeconds: number;
}): Promise<boolean> {
  const { signature, timestamp } = input;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(input.nowSeconds - Number(timestamp)) > TELNYX_TOLERANCE_SECONDS) return false;
  try {
    const key = base64ToBytes(input.publicKey);
    const sig = base64ToBytes(signature);
    if (key.byteLength !== 32 || sig.byteLength !== 64) return false;
    const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify("Ed25519", cryptoKey, sig, utf8(`${timestamp}|${input.rawBody}`));
  } catch {
    // atob() throws on invalid base64; importKey on a key that is not a curve point.
    return false;
  }
}
