import { base64ToBytes, bytesToBase64, timingSafeEqual, utf8 } from "./crypto";

/**
 * PBKDF2-SHA256 through WebCrypto. 100,000 iterations is the most workerd allows
 * (https://developers.cloudflare.com/workers/runtime-apis/web-crypto/#supported-algorithms), and the
 * iteration count is stored in the hash so it can be raised later without invalidating old hashes.
 */
const ITERATIONS = 100_000;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const key = await crypto.subtle.importKey("raw", utf8(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, ITERATIONS);
  return `pbkdf2-sha256$${ITERATIONS}$${bytesToBase64(salt)}$${bytesToBase64(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
  const actual = await derive(password, base64ToBytes(salt), Number(iterations));
  return timingSafeEqual(actual, base64ToBytes(hash));
}

/** A hash of a random password, to spend the same time on unknown e-mails as on known ones. */
export const DUMMY_HASH =
  "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
