/**
 * @module SQL of the R2 archive: the manifest (`archive_objects` + `archive_segments`), the
 * selection of rows to archive and their deletion by id.
 */
import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  archiveObjects,
  archiveSegments,
  clinicNumbers,
  mentions,
  messageMedia,
  messages,
  organizations,
} from "../schema";
import { inJsonList } from "./chunked";
import type { Segment } from "../../jobs/archive-format";
import { MESSAGE_SELECT, toMessages } from "./history";

/** Every practice's clinic numbers with the practice's queue window. */
export function listNumbersWithWindow(db: Db) {
  return db
    .select({
      orgId: clinicNumbers.orgId,
      numberId: clinicNumbers.id,
      windowDays: organizations.queueWindowDays,
    })
    .from(clinicNumbers)
    .innerJoin(organizations, eq(organizations.id, clinicNumbers.orgId))
    .orderBy(asc(clinicNumbers.id));
}

/** Where the previous page of `selectOldMessages` ended: its last row's (created_at, id). */
export type OldMessagesAfter = { createdAt: number; id: number };

/**
 * The oldest messages of a number older than the cutoff, oldest first, after `after` when given (a keyset
 * page: the job keeps an unfinished day's rows in memory instead of reading them again). Walks the
 * `created_at` index, whose entries end in the rowid, so `(created_at, id)` is index order and the archive
 * is always a prefix of the number's history in time order.
 */
export async function selectOldMessages(
  db: Db,
  numberId: number,
  cutoff: number,
  limit: number,
  after?: OldMessagesAfter,
) {
  const from = after ? sql`and (created_at, id) > (${after.createdAt}, ${after.id})` : sql``;
  // Positional rows mapped once (history.ts): drizzle's generic mapping re-checks every column per row.
  return toMessages(
    await db.values(
      sql`select ${MESSAGE_SELECT} from messages where created_at < ${cutoff} and number_id = ${numberId} ${from} order by created_at, id limit ${limit}`,
    ),
  );
}

export type ManifestInput = {
  orgId: number;
  numberId: number;
  key: string;
  day: string;
  firstId: number;
  lastId: number;
  minCreatedAt: number;
  maxCreatedAt: number;
  rows: number;
  bytes: number;
  sha256: string;
  segments: Segment[];
};

/**
 * Records an object about to be written, with its per-conversation byte ranges, in one batch (one
 * transaction). The segments go through `json_each` so a chunk of thousands of conversations stays one
 * statement under D1's 100-bound-parameter limit (developers.cloudflare.com/d1/platform/limits/).
 * Returns the manifest id, or undefined when that key is already recorded.
 */
export async function insertManifest(db: Db, m: ManifestInput, now: number): Promise<number | undefined> {
  const segmentsJson = JSON.stringify(m.segments);
  const [inserted] = await db.batch([
    db
      .insert(archiveObjects)
      .values({
        orgId: m.orgId,
        numberId: m.numberId,
        key: m.key,
        day: m.day,
        firstId: m.firstId,
        lastId: m.lastId,
        minCreatedAt: m.minCreatedAt,
        maxCreatedAt: m.maxCreatedAt,
        rows: m.rows,
        bytes: m.bytes,
        sha256: m.sha256,
        status: "writing",
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: archiveObjects.key })
      .returning({ id: archiveObjects.id }),
    // Columns in table order: object_id, conversation_id, first_id, last_id, rows, offset, length.
    db
      .insert(archiveSegments)
      .select(
        sql`select (select id from archive_objects where key = ${m.key} and status = 'writing'),
          s.value ->> 'conversationId', s.value ->> 'firstId', s.value ->> 'lastId',
          s.value ->> 'rows', s.value ->> 'offset', s.value ->> 'length'
        from json_each(${segmentsJson}) as s
        where exists (select 1 from archive_objects where key = ${m.key} and status = 'writing')`,
      )
      .onConflictDoNothing(),
  ]);
  return inserted[0]?.id;
}

/** Objects a crashed or failed run left behind, oldest first. */
export function listUnfinishedManifests(db: Db, limit: number) {
  return db
    .select()
    .from(archiveObjects)
    .where(inArray(archiveObjects.status, ["writing", "verified"]))
    .orderBy(asc(archiveObjects.id))
    .limit(limit);
}

/** Forgets an object that was never verified (its rows are all still in D1); segments go by cascade. */
export async function deleteManifest(db: Db, id: number) {
  await db.delete(archiveObjects).where(and(eq(archiveObjects.id, id), eq(archiveObjects.status, "writing")));
}

/**
 * The statements that delete exactly these message ids of this number, for one D1 batch (one transaction)
 * with the manifest's change to `pruned`: the ids come from the archive object as verified, never from a
 * fresh "older than" query, so a row that was not in the verified object is never deleted. One JSON parameter
 * keeps thousands of ids inside the bound-parameter limit. The last statement's `changes` is the count.
 */
export function deleteMessagesByIds(db: Db, numberId: number, ids: readonly number[]) {
  const theseMessages = sql`(select id from messages where number_id = ${numberId} and ${inJsonList(sql`id`, ids)})`;
  return [
    // A note's @mentions go with it. They name the note by id without a foreign key.
    db.delete(mentions).where(sql`${mentions.messageId} in ${theseMessages}`),
    // Photos' rows go too (their foreign key would block the delete); the R2 objects stay where they are,
    // under media/<org>/<message>/<n>, named by the archived message's id (jobs/prune-and-archive.ts).
    db.delete(messageMedia).where(sql`${messageMedia.messageId} in ${theseMessages}`),
    db.delete(messages).where(and(eq(messages.numberId, numberId), inJsonList(messages.id, ids))),
  ] as const;
}

/** Marks a manifest pruned: the last statement of the batch that deletes its rows. */
export function markManifestPruned(db: Db, id: number, now: number) {
  return db.update(archiveObjects).set({ status: "pruned", updatedAt: now }).where(eq(archiveObjects.id, id));
}

/** The verified archive slices of one conversation, in id order, for an export. */
export function listConversationSegments(db: Db, conversationId: number) {
  return db
    .select({
      key: archiveObjects.key,
      offset: archiveSegments.offset,
      length: archiveSegments.length,
      rows: archiveSegments.rows,
    })
    .from(archiveSegments)
    .innerJoin(archiveObjects, eq(archiveObjects.id, archiveSegments.objectId))
    .where(
      and(
        eq(archiveSegments.conversationId, conversationId),
        inArray(archiveObjects.status, ["verified", "pruned"]),
      ),
    )
    .orderBy(asc(archiveSegments.firstId));
}

/** The verified archive objects of a number that may hold messages in [from, to), in id order. */
export function listNumberObjectsInRange(db: Db, numberId: number, from: number, to: number) {
  return db
    .select({ key: archiveObjects.key, rows: archiveObjects.rows })
    .from(archiveObjects)
    .where(
      and(
        eq(archiveObjects.numberId, numberId),
        lt(archiveObjects.minCreatedAt, to),
        gte(archiveObjects.maxCreatedAt, from),
        inArray(archiveObjects.status, ["verified", "pruned"]),
      ),
    )
    .orderBy(asc(archiveObjects.firstId));
}
