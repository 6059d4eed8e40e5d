/**
 * @module The second half of archiving one object: read it back from R2, check it against the manifest, and
 * only then delete exactly the rows it holds. Used right after a write, and by the next run to finish the work
 * of a run that crashed (every step is safe to repeat).
 */
import type { Db } from "../db/client";
import { deleteManifest, deleteMessagesByIds, setManifestStatus } from "../db/queries/archive";
import type { ArchiveObject } from "../db/schema";
import { decodeRows, sha256OfBytes } from "./archive-format";

export class ArchiveMismatchError extends Error {
  constructor(key: string, why: string) {
    super(`archive object ${key}: ${why}`);
    this.name = "ArchiveMismatchError";
  }
}

type Manifest = Pick<ArchiveObject, "id" | "key" | "numberId" | "rows" | "sha256" | "status">;

/**
 * Reads the object back and returns its message ids if its bytes hash to the manifest's SHA-256 and it holds
 * the manifest's row count, all of this number. Returns undefined when the object does not exist.
 */
export async function readBackIds(bucket: R2Bucket, m: Manifest): Promise<number[] | undefined> {
  const object = await bucket.get(m.key);
  if (!object) return undefined;
  const bytes = new Uint8Array(await object.arrayBuffer());
  const sha = await sha256OfBytes(bytes);
  if (sha !== m.sha256) throw new ArchiveMismatchError(m.key, "checksum differs from the manifest");
  const rows = decodeRows(bytes);
  if (rows.length !== m.rows) {
    throw new ArchiveMismatchError(m.key, `${rows.length} rows, manifest says ${m.rows}`);
  }
  if (rows.some((r) => r.numberId !== m.numberId)) {
    throw new ArchiveMismatchError(m.key, "holds another number's rows");
  }
  return rows.map((r) => r.id);
}

export type PruneCounts = { deleted: number };

/**
 * Verifies a written object and deletes its rows from D1 in bounded batches, then marks it pruned.
 * A crash between any two steps leaves the manifest `writing` or `verified`, which the next run resumes.
 */
export async function verifyAndPrune(
  deps: { db: Db; bucket: R2Bucket; now: number; deleteBatch: number },
  m: Manifest,
): Promise<PruneCounts> {
  const { db, bucket, now, deleteBatch } = deps;
  const ids = await readBackIds(bucket, m);
  if (!ids) throw new ArchiveMismatchError(m.key, "missing after write");
  if (m.status === "writing") await setManifestStatus(db, m.id, "verified", now);
  let deleted = 0;
  for (let i = 0; i < ids.length; i += deleteBatch) {
    deleted += await deleteMessagesByIds(db, m.numberId, ids.slice(i, i + deleteBatch));
  }
  await setManifestStatus(db, m.id, "pruned", now);
  return { deleted };
}

/**
 * Finishes what an earlier run left. A `verified` object is pruned. A `writing` object is pruned if it made
 * it to R2 intact; otherwise (missing, or torn) the manifest and any partial object are dropped, which is
 * safe because no row is deleted before `verified`: its rows are all still in D1 and get archived again.
 */
export async function resumeManifest(
  deps: { db: Db; bucket: R2Bucket; now: number; deleteBatch: number },
  m: Manifest,
): Promise<PruneCounts & { resumed: boolean }> {
  if (m.status === "writing") {
    let intact = false;
    try {
      intact = (await readBackIds(deps.bucket, m)) !== undefined;
    } catch (error) {
      if (!(error instanceof ArchiveMismatchError)) throw error;
    }
    if (!intact) {
      await deps.bucket.delete(m.key);
      await deleteManifest(deps.db, m.id);
      return { deleted: 0, resumed: false };
    }
  }
  return { ...(await verifyAndPrune(deps, m)), resumed: true };
}
