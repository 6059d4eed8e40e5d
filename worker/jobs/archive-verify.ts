/**
 * @module The second half of archiving one object: read it back from R2, check it against the manifest, and
 * only then delete exactly the rows it holds. Used right after a write, and by the next run to finish the work
 * of a run that crashed (every step is safe to repeat).
 */
import type { Db } from "../db/client";
import { deleteManifest, deleteMessagesByIds, markManifestPruned } from "../db/queries/archive";
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
 *
 * `written` is what this run itself encoded into the object. Then the bytes read back are checked against its
 * SHA-256 and line count only and its ids are returned without parsing the JSON again: equal hashes mean the
 * object is those exact bytes (about a tenth of the job's time went to parsing what it had just written).
 */
export async function readBackIds(
  bucket: R2Bucket,
  m: Manifest,
  written?: { ids: readonly number[] },
): Promise<number[] | undefined> {
  const object = await bucket.get(m.key);
  if (!object) return undefined;
  const bytes = new Uint8Array(await object.arrayBuffer());
  const sha = await sha256OfBytes(bytes);
  if (sha !== m.sha256) throw new ArchiveMismatchError(m.key, "checksum differs from the manifest");
  if (written) {
    const lines = countLines(bytes);
    if (lines !== m.rows || written.ids.length !== m.rows) {
      throw new ArchiveMismatchError(m.key, `${lines} rows, manifest says ${m.rows}`);
    }
    return [...written.ids];
  }
  const rows = decodeRows(bytes);
  if (rows.length !== m.rows) {
    throw new ArchiveMismatchError(m.key, `${rows.length} rows, manifest says ${m.rows}`);
  }
  if (rows.some((r) => r.numberId !== m.numberId)) {
    throw new ArchiveMismatchError(m.key, "holds another number's rows");
  }
  return rows.map((r) => r.id);
}

/** NDJSON rows in the bytes: every line ends in "\n", and JSON escapes a newline inside a string. */
function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

export type PruneCounts = { deleted: number };

type Deps = { db: Db; bucket: R2Bucket; now: number; deleteBatch: number };

/**
 * Verifies a written object, then deletes its rows from D1 and marks it pruned in one batch: a D1 batch is one
 * transaction, so a crash leaves either every row and the manifest unfinished (`writing`, or `verified` from
 * a run before this one), which the next run resumes, or neither. Deletes go in statements of `deleteBatch`
 * ids.
 */
export async function verifyAndPrune(
  deps: Deps,
  m: Manifest,
  written?: { ids: readonly number[] },
): Promise<PruneCounts> {
  const { db, bucket, now, deleteBatch } = deps;
  const ids = await readBackIds(bucket, m, written);
  if (!ids) throw new ArchiveMismatchError(m.key, "missing after write");
  const deletes = [];
  for (let i = 0; i < ids.length; i += deleteBatch) {
    deletes.push(...deleteMessagesByIds(db, m.numberId, ids.slice(i, i + deleteBatch)));
  }
  const results = await db.batch([markManifestPruned(db, m.id, now), ...deletes]);
  // Every third statement after the manifest's is a `delete from messages` (deleteMessagesByIds).
  let deleted = 0;
  for (let i = 3; i < results.length; i += 3) deleted += (results[i] as D1Result).meta.changes;
  return { deleted };
}

/**
 * Finishes what an earlier run left. A `verified` object is pruned. A `writing` object is pruned if it made
 * it to R2 intact; otherwise (missing, or torn) the manifest and any partial object are dropped, which is
 * safe because no row is deleted before the object is verified: its rows are all still in D1 and get archived
 * again.
 */
export async function resumeManifest(deps: Deps, m: Manifest): Promise<PruneCounts & { resumed: boolean }> {
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
