/**
 * @module The hourly archive-then-prune job. For every clinic number, messages older than the practice's
 * queue window are written to R2 (layout: see archive-format.ts), read back and checked (row count and
 * SHA-256), and only then deleted from D1, by the ids read back, in bounded batches.
 *
 * Why it cannot lose or duplicate a row:
 * - Order of effects: manifest row (`writing`) → R2 put → read back and check → delete and `pruned` in one
 *   D1 batch (a transaction). Nothing is deleted before the object is verified; a crash anywhere leaves a manifest the next run resumes
 *   first (archive-verify.ts) before it selects anything new, so a row is never in two live objects.
 * - Keys are deterministic from the content, so rewriting the same rows produces the same object.
 * - A lease row in D1 keeps two overlapping runs apart (the cron's, a manual one, the bench); the second one
 *   returns at once.
 *
 * Conversations are not touched: a conversation with no message left in the window drops out of the queue
 * (which lists by `last_message_at` within the window) but keeps its row, read state and patient link, so a
 * patient who texts again lands in the same conversation and its export still finds the archived history.
 *
 * Logs counts and time only: never a body, a phone or an object key's content beyond ids.
 */
import type { Db } from "../db/client";
import {
  insertManifest,
  listNumbersWithWindow,
  listUnfinishedManifests,
  selectOldMessages,
  type OldMessagesAfter,
} from "../db/queries/archive";
import { acquireLease, releaseLease } from "../db/queries/job-leases";
import { mediaByMessage } from "../db/queries/media";
import { archiveKey, archivedMedia, encodeChunk, utcDay, type ArchiveRow } from "./archive-format";
import { resumeManifest, verifyAndPrune } from "./archive-verify";
import { describeError } from "../lib/errors";

const DAY_MS = 86_400_000;
export const LEASE_NAME = "prune-and-archive";

export type PruneOptions = {
  db: Db;
  bucket: R2Bucket;
  /** The run's clock for cutoffs and the lease (the cron's scheduledTime). */
  now: number;
  /** Stop starting new objects after this much wall time; the next run continues. */
  budgetMs: number;
  /** Rows read per page and the most rows in one object. */
  pageSize?: number;
  /** Rows per DELETE statement. 5,000 measured ~130 ms per batch locally (bench notes, §6). */
  deleteBatch?: number;
  /**
   * Objects per run. Each costs ~5 D1 queries, and a Worker invocation may make at most 1,000
   * (developers.cloudflare.com/d1/platform/limits/), so stay well under.
   */
  maxObjects?: number;
  holder?: string;
  clock?: () => number;
};

export type PruneReport = {
  skipped: "locked" | null;
  resumed: number;
  objects: number;
  archived: number;
  deleted: number;
  complete: boolean;
  ms: number;
};

export async function pruneAndArchive(opts: PruneOptions): Promise<PruneReport> {
  const { db, bucket, now, budgetMs } = opts;
  const clock = opts.clock ?? Date.now;
  const started = clock();
  const holder = opts.holder ?? crypto.randomUUID();
  const deps = { db, bucket, now, deleteBatch: opts.deleteBatch ?? 5000 };
  // 10,000 rows (~7 MB of JSON) let an object hold a whole day of a busy number: every object costs an R2 put,
  // a read-back and a manifest, and at 5,000 most pages split a day in two (bench/history.ts).
  const pageSize = opts.pageSize ?? 10_000;
  const maxObjects = opts.maxObjects ?? 150;
  const report: PruneReport = {
    skipped: null,
    resumed: 0,
    objects: 0,
    archived: 0,
    deleted: 0,
    complete: false,
    ms: 0,
  };
  const log = (outcome: string) => {
    report.ms = clock() - started;
    console.log(`prune-and-archive ${outcome}`, JSON.stringify(report));
  };

  // The lease outlives the budget so a run that overshoots a little is still alone; if the isolate dies the
  // lease simply expires.
  if (!(await acquireLease(db, LEASE_NAME, holder, now, budgetMs + 5 * 60_000))) {
    report.skipped = "locked";
    log("skipped");
    return report;
  }
  // One object's read-back and delete run while the next object is encoded and written (different rows,
  // each manifest before its put, each delete after its own read-back); at most one is in flight.
  const behind = oneBehind();
  const withinBudget = () => clock() - started < budgetMs && report.objects + report.resumed < maxObjects;
  try {
    for (const m of await listUnfinishedManifests(db, maxObjects)) {
      if (!withinBudget()) break;
      const done = await resumeManifest(deps, m);
      report.resumed++;
      report.deleted += done.deleted;
    }
    if ((await listUnfinishedManifests(db, 1)).length > 0) {
      log("partial");
      return report;
    }

    for (const n of await listNumbersWithWindow(db)) {
      const cutoff = now - n.windowDays * DAY_MS;
      // The rows of a day a page ended in, kept for the next page (which reads on from the last row) so that
      // each day becomes one object and no row is read twice.
      let held: ArchiveRow[] = [];
      let after: OldMessagesAfter | undefined;
      for (;;) {
        if (!withinBudget()) {
          await behind.drain();
          log("partial");
          return report;
        }
        const limit = pageSize - held.length;
        const fresh = await withMedia(db, await selectOldMessages(db, n.numberId, cutoff, limit, after));
        const last = fresh.at(-1);
        if (last) after = { createdAt: last.createdAt, id: last.id };
        const chunks = chunksByDay(held.length > 0 ? [...held, ...fresh] : fresh);
        held = [];
        if (chunks.length === 0) break;
        const more = fresh.length === limit;
        // A full page usually ends inside a day: hold that day's rows for the next page.
        if (more && chunks.length > 1) held = chunks.pop()?.rows ?? [];
        for (const chunk of chunks) {
          const key = archiveKey(n.orgId, n.numberId, chunk.day, chunk.firstId, chunk.lastId);
          const encoded = await encodeChunk(chunk.rows);
          const manifestId = await insertManifest(
            db,
            {
              ...encoded,
              orgId: n.orgId,
              numberId: n.numberId,
              key,
              day: chunk.day,
              bytes: encoded.bytes.byteLength,
            },
            now,
          );
          // Only a writer that bypassed the lease can have recorded this key since the resume above; stop and
          // let the next run resume its manifest rather than race it.
          if (manifestId === undefined) throw new Error(`archive key recorded by another run: ${key}`);
          // R2 checks the SHA-256 on arrival and refuses a body that does not match
          // (developers.cloudflare.com/r2/api/workers/workers-api-reference/#r2putoptions).
          await bucket.put(key, encoded.bytes, {
            sha256: encoded.sha256,
            httpMetadata: { contentType: "application/x-ndjson" },
            customMetadata: { rows: String(encoded.rows), sha256: encoded.sha256 },
          });
          const manifest = {
            id: manifestId,
            key,
            numberId: n.numberId,
            rows: encoded.rows,
            sha256: encoded.sha256,
            status: "writing" as const,
          };
          const ids = chunk.rows.map((r) => r.id);
          await behind.next(async () => {
            const pruned = await verifyAndPrune(deps, manifest, { ids });
            report.objects++;
            report.archived += encoded.rows;
            report.deleted += pruned.deleted;
          });
        }
        if (!more) break;
      }
    }
    await behind.drain();
    report.complete = true;
    log("done");
    return report;
  } catch (error) {
    // Counts and the error's kind only: a failed query's message carries its parameters (see describeError).
    log(`failed: ${describeError(error)}`);
    throw error;
  } finally {
    // A failed run still waits for the object in flight (its failure, if any, is the one already thrown).
    await behind.drain().catch(() => undefined);
    await releaseLease(db, LEASE_NAME, holder);
  }
}

/**
 * Runs tasks one behind the caller: `next` waits for the previous task (throwing its error, if any) and starts
 * the next without waiting for it; `drain` waits for the last. A failure is never left unobserved.
 */
function oneBehind() {
  let last: Promise<unknown> = Promise.resolve();
  let failure: { error: unknown } | null = null;
  const settle = async () => {
    await last;
    if (failure) throw failure.error;
  };
  return {
    async next(task: () => Promise<void>) {
      await settle();
      last = task().catch((error: unknown) => {
        failure = { error };
      });
    },
    drain: settle,
  };
}

/**
 * Each message's photos and files go into its archived row (their D1 rows are deleted with it; the R2
 * objects stay, so an export of archived history still lists and embeds them).
 */
async function withMedia(db: Db, page: readonly ArchiveRow[]): Promise<ArchiveRow[]> {
  const media = await mediaByMessage(
    db,
    page.map((m) => m.id),
  );
  return page.map((m) => {
    const files = media.get(m.id);
    return files ? { ...m, media: files.map(archivedMedia) } : m;
  });
}

type DayChunk = { day: string; firstId: number; lastId: number; rows: ArchiveRow[] };

/** Splits a page (oldest first) into one chunk per UTC day. */
function chunksByDay(page: readonly ArchiveRow[]): DayChunk[] {
  const chunks: DayChunk[] = [];
  let current: DayChunk | undefined;
  for (const row of page) {
    const day = utcDay(row.createdAt);
    if (current?.day !== day) {
      current = { day, firstId: row.id, lastId: row.id, rows: [] };
      chunks.push(current);
    }
    current.rows.push(row);
    current.firstId = Math.min(current.firstId, row.id);
    current.lastId = Math.max(current.lastId, row.id);
  }
  return chunks;
}
