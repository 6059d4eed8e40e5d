import { and, asc, eq, gt } from "drizzle-orm";
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

export { toEvent as rowToLiveEvent };
