/**
 * @module One conversation's (or one number's date range's) whole history as a stream of rows, oldest first:
 * the verified R2 archive, then what is still in D1, without duplicates.
 *
 * The archive is a prefix of each number's history (the prune job archives in time order), so archive rows
 * come first and D1 rows after. A row can be in both only while its object is verified but not yet pruned;
 * those are skipped by id. Only archive ids at or above the first live id can collide, so only those are
 * remembered: memory stays bounded by a page, not by the history's length.
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

async function* archiveRows(db: Db, bucket: R2Bucket, scope: HistoryScope): AsyncGenerator<ArchiveRow> {
  if (scope.kind === "conversation") {
    for (const seg of await listConversationSegments(db, scope.conversationId)) {
      // A ranged GET: just this conversation's slice of the day's object.
      const rows = await readArchive(bucket, seg.key, { offset: seg.offset, length: seg.length });
      if (rows.length !== seg.rows || rows.some((r) => r.conversationId !== scope.conversationId)) {
        throw new ArchiveReadError(seg.key, "segment does not match its index");
      }
      yield* rows;
    }
    return;
  }
  for (const object of await listNumberObjectsInRange(db, scope.numberId, scope.from, scope.to)) {
    const rows = await readArchive(bucket, object.key);
    yield* rows
      .filter((r) => r.createdAt >= scope.from && r.createdAt < scope.to)
      .sort((a, b) => a.id - b.id);
  }
}

export async function* historyRows(deps: { db: Db; bucket: R2Bucket }, scope: HistoryScope) {
  const { db, bucket } = deps;
  const firstLive = (await livePage(db, scope, 0, 1))[0]?.id ?? Number.POSITIVE_INFINITY;
  const archivedLive = new Set<number>();
  for await (const row of archiveRows(db, bucket, scope)) {
    if (row.id >= firstLive) archivedLive.add(row.id);
    yield row;
  }
  let afterId = 0;
  for (;;) {
    const page = await livePage(db, scope, afterId, PAGE_ROWS);
    for (const row of page) if (!archivedLive.has(row.id)) yield row;
    const last = page.at(-1);
    if (!last || page.length < PAGE_ROWS) return;
    afterId = last.id;
  }
}
