import { and, asc, eq, gt, gte, max, sql } from "drizzle-orm";
import { inJsonList } from "./chunked";
import type { Db } from "../client";
import { liveEvents } from "../schema";
import type { LiveEvent } from "../../shared/live-protocol";

/** A live event before D1 has given it its cursor. */
export type NewLiveEvent = LiveEvent extends infer E
  ? E extends LiveEvent
    ? Omit<E, "cursor">
    : never
  : never;

export function liveEventInsert(db: Db, event: NewLiveEvent, now: number) {
  return db
    .insert(liveEvents)
    .values({ numberId: event.numberId, type: event.type, payload: JSON.stringify(event), createdAt: now })
    .returning({ id: liveEvents.id });
}

function toEvent(row: { id: number; payload: string }): LiveEvent {
  return { ...(JSON.parse(row.payload) as NewLiveEvent), cursor: row.id };
}

/** Events of the given numbers after a cursor, oldest first: what a reconnecting screen missed. */
export async function liveEventsAfter(db: Db, numberIds: number[], after: number, limit: number) {
  if (numberIds.length === 0) return [];
  const rows = await db
    .select({ id: liveEvents.id, payload: liveEvents.payload })
    .from(liveEvents)
    .where(
      numberIds.length === 1 && numberIds[0] !== undefined
        ? and(eq(liveEvents.numberId, numberIds[0]), gt(liveEvents.id, after))
        : and(inJsonList(liveEvents.numberId, numberIds), gt(liveEvents.id, after)),
    )
    .orderBy(asc(liveEvents.id))
    .limit(limit);
  return rows.map(toEvent);
}

/**
 * The newest cursor: every event up to it is committed (D1 is one SQLite writer, so ids are handed out and
 * committed in order). A screen that reads this before it reads its lists has missed nothing at or below it.
 */
export async function latestCursor(db: Db): Promise<number> {
  const [latest] = await db.select({ id: max(liveEvents.id) }).from(liveEvents);
  return latest?.id ?? 0;
}

/**
 * The lowest cursor a client may still resume from, given the window's start: one before the oldest event
 * inside the window. A cursor below it has missed events that are older than the window, which the hourly
 * prune deletes (or is about to), so replaying from it would silently skip them. Ids are global and grow with
 * time, so one ordered look-up on the `created_at` index answers for every number at once.
 */
export async function oldestResumableCursor(db: Db, windowStart: number): Promise<number> {
  const [first] = await db
    .select({ id: liveEvents.id })
    .from(liveEvents)
    .where(gte(liveEvents.createdAt, windowStart))
    .orderBy(asc(liveEvents.createdAt), asc(liveEvents.id))
    .limit(1);
  if (first) return first.id - 1;
  // Nothing in the window: only a client that saw the very last event has missed nothing.
  const [latest] = await db.select({ id: max(liveEvents.id) }).from(liveEvents);
  return latest?.id ?? 0;
}

/**
 * Deletes up to `limit` of a number's events older than the cutoff, oldest first; returns how many. The
 * (number_id, id) index walks the number's rows in id order, where the old ones come first.
 */
export async function deleteLiveEventsBefore(db: Db, numberId: number, cutoff: number, limit: number) {
  const result = await db.run(
    sql`delete from live_events where id in (select id from live_events where number_id = ${numberId} and created_at < ${cutoff} order by id limit ${limit})`,
  );
  return result.meta.changes;
}

export { toEvent as rowToLiveEvent };
