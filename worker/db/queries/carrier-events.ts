/** @module SQL of `carrier_events`: the carrier event ids already applied, so a retried webhook is a no-op. */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { carrierEvents, type Carrier } from "../schema";

/** Whether a carrier event id was already applied (Telnyx retries and duplicates events). */
export async function eventSeen(db: Db, carrier: Carrier, eventId: string) {
  const row = await db.query.carrierEvents.findFirst({
    where: and(eq(carrierEvents.carrier, carrier), eq(carrierEvents.eventId, eventId)),
  });
  return row !== undefined;
}

export async function markEventSeen(db: Db, carrier: Carrier, eventId: string, now: number) {
  await db.insert(carrierEvents).values({ carrier, eventId, receivedAt: now }).onConflictDoNothing();
}

/** Deletes up to `limit` event ids received before the cutoff (the `received_at` index); returns how many. */
export async function deleteCarrierEventsBefore(db: Db, cutoff: number, limit: number) {
  const result = await db.run(
    sql`delete from carrier_events where rowid in (select rowid from carrier_events where received_at < ${cutoff} limit ${limit})`,
  );
  return result.meta.changes;
}
