import type { ClinicNumber } from "../db/schema";

/**
 * @module The carrier webhook's clinic numbers, with their decrypted credentials, kept in this isolate for a
 * short while: the hot path then checks the signature without a D1 round trip or an AES-GCM decryption.
 *
 * Nothing here is trusted for correctness (messaging/receive-webhook.ts):
 * - a signature that fails with cached credentials is checked again against fresh ones from D1, so a
 *   rotated token works on the very next webhook;
 * - the store batch inserts only while the number still exists with the same carrier and the same
 *   credentials ciphertext the signature was checked with (db/queries/inbound.ts), and returns the number's
 *   current row, which the follow-ups (office hours, alert phones, away message...) read instead of this copy;
 * - status callbacks re-read the number before they change anything.
 * An admin change evicts the number from THIS isolate only (routes/admin-numbers.ts and
 * admin-number-settings.ts call forgetNumber); other isolates rely on the checks above and on the lifetime.
 */

export type CachedNumber = { number: ClinicNumber; credentials: unknown };

/** Short: what is cached is only a hint, and a stale hint costs one more round trip, never a wrong answer. */
export const NUMBER_CACHE_TTL_MS = 60_000;
/** A practice has a handful of numbers, an isolate serves a few practices: bounded so memory stays flat. */
export const NUMBER_CACHE_MAX = 256;

type Entry = CachedNumber & { expiresAt: number };

const entries = new Map<string, Entry>();
const stats = { hits: 0, misses: 0 };

/** The cached number for this E.164, or undefined when absent or expired (an expired entry is dropped). */
export function cachedNumber(e164: string, now: number): CachedNumber | undefined {
  const entry = entries.get(e164);
  if (!entry || entry.expiresAt <= now) {
    if (entry) entries.delete(e164);
    stats.misses++;
    return undefined;
  }
  stats.hits++;
  return { number: entry.number, credentials: entry.credentials };
}

/** Caches a number read from D1 (and its credentials, decrypted) for NUMBER_CACHE_TTL_MS from `now`. */
export function rememberNumber(cached: CachedNumber, now: number): void {
  const e164 = cached.number.e164;
  // Re-inserted at the end: the Map's order is then oldest-written first, which is what is dropped.
  entries.delete(e164);
  entries.set(e164, { ...cached, expiresAt: now + NUMBER_CACHE_TTL_MS });
  while (entries.size > NUMBER_CACHE_MAX) {
    const oldest = entries.keys().next();
    if (oldest.done === true) break;
    entries.delete(oldest.value);
  }
}

/** Drops a number from this isolate's cache: after an admin change, or when the cached copy proved stale. */
export function forgetNumber(e164: string): void {
  entries.delete(e164);
}

/** For tests: how often the webhook path found its number here, and the entries held. */
export function numberCacheStats() {
  return { hits: stats.hits, misses: stats.misses, size: entries.size };
}

/** For tests: an empty cache, as in a fresh isolate. */
export function clearNumberCache(): void {
  entries.clear();
}
