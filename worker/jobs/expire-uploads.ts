/**
 * @module Photos staff uploaded but never sent: removed a day later, the R2 object first and then its row,
 * so a crash between the two leaves a row whose object is gone (removed again next hour), never an object
 * nobody knows about.
 */
import type { Db } from "../db/client";
import { deleteMediaRows, staleUploads } from "../db/queries/media";

export const UPLOAD_TTL_MS = 24 * 60 * 60_000;

export async function expireUploads(input: {
  db: Db;
  bucket: R2Bucket;
  now: number;
  budgetMs: number;
}): Promise<number> {
  const started = Date.now();
  let removed = 0;
  while (Date.now() - started < input.budgetMs) {
    const rows = await staleUploads(input.db, input.now - UPLOAD_TTL_MS, 100);
    if (rows.length === 0) break;
    const keys = rows.flatMap((r) => (r.r2Key ? [r.r2Key] : []));
    if (keys.length > 0) await input.bucket.delete(keys);
    await deleteMediaRows(
      input.db,
      rows.map((r) => r.id),
    );
    removed += rows.length;
  }
  return removed;
}
