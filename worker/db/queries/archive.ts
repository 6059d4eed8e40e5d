/**
 * @module SQL of the R2 archive: the manifest (`archive_objects` + `archive_segments`), the
 * selection of rows to archive and their deletion by id.
 */
import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { archiveObjects, archiveSegments, clinicNumbers, organizations, type ArchiveStatus } from "../schema";
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

/**
 * The oldest messages of a number older than the cutoff, oldest first. Walks the `created_at` index, so the
 * archive is always a prefix of the number's history in time order.
 */
export async function selectOldMessages(db: Db, numberId: number, cutoff: number, limit: number) {
  // Positional rows mapped once (history.ts): drizzle's generic mapping re-checks every column per row.
  return toMessages(
    await db.values(
      sql`select ${MESSAGE_SELECT} from messages where created_at < ${cutoff} and number_id = ${numberId} order by created_at, id limit ${limit}`,
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

export async function setManifestStatus(db: Db, id: number, status: ArchiveStatus, now: number) {
  await db.update(archiveObjects).set({ status, updatedAt: now }).where(eq(archiveObjects.id, id));
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
 * Deletes exactly these message ids of this number: the ids come from the archive object as read back, never
 * from a fresh "older than" query, so a row that was not in the verified object is never deleted.
 * One JSON parameter keeps a batch of thousands of ids inside the bound-parameter limit.
 */
export async function deleteMessagesByIds(db: Db, numberId: number, ids: readonly number[]) {
  const list = JSON.stringify(ids);
  // A note's @mentions go with it. They name the note by id without a foreign key, and go first: a crash
  // between the two leaves old notes without their mentions, never mentions of notes that are gone.
  await db.run(
    sql`delete from mentions where message_id in (select id from messages where number_id = ${numberId} and id in (select value from json_each(${list})))`,
  );
  // Photos' rows go too (their foreign key would block the delete); the R2 objects stay where they are,
  // under media/<org>/<message>/<n>, named by the archived message's id (jobs/prune-and-archive.ts).
  await db.run(
    sql`delete from message_media where message_id in (select id from messages where number_id = ${numberId} and id in (select value from json_each(${list})))`,
  );
  const result = await db.run(
    sql`delete from messages where number_id = ${numberId} and id in (select value from json_each(${list}))`,
  );
  return result.meta.changes;
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
