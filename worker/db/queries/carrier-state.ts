import { and, eq, isNull, lte, or } from "drizzle-orm";
import type { Db } from "../client";
import { carrierEvents, clinicNumbers, type Carrier } from "../schema";

export async function findNumberById(db: Db, id: number) {
  return db.query.clinicNumbers.findFirst({ where: eq(clinicNumbers.id, id) });
}

/**
 * Claims the number's after-hours alert slot: succeeds for at most one caller per quiet period, even when
 * several texts arrive at once, because the check and the write are one UPDATE.
 */
export async function claimAlertSlot(db: Db, numberId: number, now: number, quietMinutes: number) {
  const rows = await db
    .update(clinicNumbers)
    .set({ lastAfterHoursAlertAt: now })
    .where(
      and(
        eq(clinicNumbers.id, numberId),
        or(
          isNull(clinicNumbers.lastAfterHoursAlertAt),
          lte(clinicNumbers.lastAfterHoursAlertAt, now - quietMinutes * 60_000),
        ),
      ),
    )
    .returning({ id: clinicNumbers.id });
  return rows.length > 0;
}

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

/** Numbers on the simulator carrier: the only ones the simulator page may text. */
export async function listSimulatorNumbers(db: Db) {
  return db
    .select({ id: clinicNumbers.id, label: clinicNumbers.label, e164: clinicNumbers.e164 })
    .from(clinicNumbers)
    .where(eq(clinicNumbers.carrier, "simulator"))
    .orderBy(clinicNumbers.label);
}
