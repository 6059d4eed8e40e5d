import { base64ToBytes, bytesToBase64, utf8 } from "./crypto";

/**
 * Carrier credentials are stored encrypted (AES-256-GCM) with a key that exists only as a Worker secret,
 * so a copy of the database alone does not hand out anyone's Twilio or Telnyx account.
 * Format: base64(iv) "." base64(ciphertext+tag).
 */
async function importKey(keyBase64: string) {
  const raw = base64ToBytes(keyBase64);
  if (raw.byteLength !== 32) throw new Error("CREDENTIALS_KEY must be base64 of exactly 32 bytes");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function encryptJson(keyBase64: string, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await importKey(keyBase64);
  const ciphertext = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, utf8(JSON.stringify(value)));
  return `${bytesToBase64(iv)}.${bytesToBase64(new Uint8Array(ciphertext))}`;
}

export async function decryptJson(keyBase64: string, sealed: string): Promise<unknown> {
  const [iv, data] = sealed.split(".");
  if (!iv || !data) throw new Error("Malformed credentials ciphertext");
  const key = await importKey(keyBase64);
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: base64ToBytes(iv) },
    key,
    base64ToBytes(data),
  );
  return JSON.parse(new TextDecoder().decode(plaintext)) as unknown;
}
