/**
 * @module Removes export files past their expiry (R2 object first, then the row is marked `expired`), and
 * fails exports whose run died, so their owner can retry. Its own hourly cron job (jobs/cron.ts): it used to
 * run inside the prune's lease, so a busy or failing prune skipped it.
 */
import type { Db } from "../db/client";
import { failStaleExports, listExpiredExports, markExpired } from "../db/queries/exports";

/** Well past the 30 s a `waitUntil` may run after its response (developers.cloudflare.com/workers/platform/limits/). */
export const STALE_EXPORT_MS = 15 * 60_000;
/** Also keeps `markExpired`'s id list under D1's 100 bound parameters per statement. */
const PAGE = 90;

export async function expireExports(deps: {
  db: Db;
  bucket: R2Bucket;
  now: number;
  /** Stop starting new pages after this much wall time; the next hourly run carries on. */
  budgetMs?: number;
  clock?: () => number;
}) {
  const { db, bucket, now } = deps;
  const clock = deps.clock ?? Date.now;
  const started = clock();
  const budgetMs = deps.budgetMs ?? Infinity;
  let expired = 0;
  while (clock() - started < budgetMs) {
    const page = await listExpiredExports(db, now, PAGE);
    if (page.length === 0) break;
    const keys = page.flatMap((e) => (e.r2Key ? [e.r2Key] : []));
    // R2 deletes up to 1,000 keys per call; deleting a key that is already gone is not an error.
    if (keys.length > 0) await bucket.delete(keys);
    await markExpired(
      db,
      page.map((e) => e.id),
    );
    expired += page.length;
    if (page.length < PAGE) break;
  }
  const interrupted = await failStaleExports(db, now - STALE_EXPORT_MS, now);
  return { expired, interrupted };
}
