/**
 * @module One conversation's (or one number's date range's) whole history as a stream of rows, oldest first:
 * the verified R2 archive, then what is still in D1, without duplicates.
 *
 * The archive is a prefix of each number's history (the prune job archives in time order), so archive rows
 * come first and D1 rows after. A row can be in both only while its object is verified but not yet pruned;
 * those are skipped by id. Only archive ids at or above the first live id can collide, so only those are
 * remembered: memory stays bounded by a page, not by the history's length.
 *
 * The prune job may run meanwhile. Rows it archives and deletes after the archive was listed would be in
 * neither pass, so the listing is taken again after the D1 pass: if it grew, the export fails with
 * HistoryMovedError, which the user can simply retry (the next attempt reads the new object).
 */
import type { Db } from "../db/client";
import { listConversationSegments, listNumberObjectsInRange } from "../db/queries/archive";
import { conversationPage, numberRangePage } from "../db/queries/history";
import { decodeRows, type ArchiveRow } from "./archive-format";

/** D1 rows per keyset page: 2,000 rows of SMS are ~0.5 MB, and 100k rows take 50 queries. */
export const PAGE_ROWS = 2000;

export type HistoryScope =
  | { kind: "conversation"; conversationId: number }
  | { kind: "range"; numberId: number; from: number; to: number };

export class ArchiveReadError extends Error {
  constructor(key: string, why: string, cause?: unknown) {
    super(`archive ${key}: ${why}`, { cause });
    this.name = "ArchiveReadError";
  }
}

/** The archive grew while this history was read: some rows may be in neither pass. Retrying succeeds. */
export class HistoryMovedError extends Error {
  constructor() {
    super("archive listing changed during the read");
    this.name = "HistoryMovedError";
  }
}

async function readArchive(bucket: R2Bucket, key: string, range?: { offset: number; length: number }) {
  let bytes: ArrayBuffer;
  try {
    const object = await bucket.get(key, range ? { range } : undefined);
    if (!object) throw new ArchiveReadError(key, "missing");
    bytes = await object.arrayBuffer();
  } catch (error) {
    throw error instanceof ArchiveReadError ? error : new ArchiveReadError(key, "unreadable", error);
  }
  return decodeRows(bytes);
}

function livePage(db: Db, scope: HistoryScope, afterId: number, limit: number) {
  return scope.kind === "conversation"
    ? conversationPage(db, scope.conversationId, afterId, limit)
    : numberRangePage(db, scope.numberId, scope.from, scope.to, afterId, limit);
}

type Slice = { key: string; range?: { offset: number; length: number }; rows: number };

/**
 * The verified archive that may hold the scope's rows, in id order. The count only grows while an export
 * runs: an object's status goes writing → verified → pruned and a verified one is never deleted.
 */
async function listSlices(db: Db, scope: HistoryScope): Promise<Slice[]> {
  if (scope.kind === "conversation") {
    // Ranged GETs: just this conversation's slice of each day's object.
    return (await listConversationSegments(db, scope.conversationId)).map((seg) => ({
      key: seg.key,
      range: { offset: seg.offset, length: seg.length },
      rows: seg.rows,
    }));
  }
  return (await listNumberObjectsInRange(db, scope.numberId, scope.from, scope.to)).map((o) => ({
    key: o.key,
    rows: o.rows,
  }));
}

/** The archive's rows of the scope, one slice (one R2 read) per yielded page. */
async function* archivePages(
  bucket: R2Bucket,
  scope: HistoryScope,
  slices: Slice[],
): AsyncGenerator<ArchiveRow[]> {
  for (const slice of slices) {
    const rows = await readArchive(bucket, slice.key, slice.range);
    if (scope.kind === "conversation") {
      if (rows.length !== slice.rows || rows.some((r) => r.conversationId !== scope.conversationId)) {
        throw new ArchiveReadError(slice.key, "segment does not match its index");
      }
      yield rows;
      continue;
    }
    yield rows.filter((r) => r.createdAt >= scope.from && r.createdAt < scope.to).sort((a, b) => a.id - b.id);
  }
}

/**
 * The history as pages of rows (an archive slice, then D1 pages of PAGE_ROWS), oldest first. Pages, not rows:
 * an async generator step and an awaited write per row cost more than formatting the row.
 */
export async function* historyPages(
  deps: { db: Db; bucket: R2Bucket },
  scope: HistoryScope,
): AsyncGenerator<ArchiveRow[]> {
  const { db, bucket } = deps;
  const firstLive = (await livePage(db, scope, 0, 1))[0]?.id ?? Number.POSITIVE_INFINITY;
  const slices = await listSlices(db, scope);
  const archivedLive = new Set<number>();
  for await (const rows of archivePages(bucket, scope, slices)) {
    for (const row of rows) if (row.id >= firstLive) archivedLive.add(row.id);
    if (rows.length > 0) yield rows;
  }
  let afterId = 0;
  for (;;) {
    const page = await livePage(db, scope, afterId, PAGE_ROWS);
    const fresh = archivedLive.size === 0 ? page : page.filter((row) => !archivedLive.has(row.id));
    if (fresh.length > 0) yield fresh;
    const last = page.at(-1);
    if (!last || page.length < PAGE_ROWS) break;
    afterId = last.id;
  }
  if ((await listSlices(db, scope)).length !== slices.length) throw new HistoryMovedError();
}

/** The same history row by row, for callers that want one row at a time. */
export async function* historyRows(deps: { db: Db; bucket: R2Bucket }, scope: HistoryScope) {
  for await (const page of historyPages(deps, scope)) yield* page;
}
