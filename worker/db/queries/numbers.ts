import { and, asc, eq, isNull, lte, or } from "drizzle-orm";
import type { Db } from "../client";
import { clinicNumbers, userNumbers, type ClinicNumber } from "../schema";

/** What the API shows of a clinic number: never the credentials, only whether they are set. */
export type NumberView = Omit<ClinicNumber, "credentialsCiphertext" | "deleteMediaAfterCopy"> & {
  hasCredentials: boolean;
  /** Always sent; optional in the type so fixtures written before photos (issue 14) still compile. */
  deleteMediaAfterCopy?: boolean;
};

export function toNumberView(n: ClinicNumber): NumberView {
  const { credentialsCiphertext, ...rest } = n;
  return { ...rest, hasCredentials: credentialsCiphertext !== null };
}

export type Viewer = { userId: number; orgId: number; role: "admin" | "staff" };

/** The clinic numbers a user may see: all of the practice's for admins, the granted ones for staff. */
export async function listVisibleNumbers(db: Db, viewer: Viewer): Promise<ClinicNumber[]> {
  if (viewer.role === "admin") {
    return db
      .select()
      .from(clinicNumbers)
      .where(eq(clinicNumbers.orgId, viewer.orgId))
      .orderBy(asc(clinicNumbers.label));
  }
  const rows = await db
    .select({ n: clinicNumbers })
    .from(clinicNumbers)
    .innerJoin(userNumbers, eq(userNumbers.numberId, clinicNumbers.id))
    .where(and(eq(clinicNumbers.orgId, viewer.orgId), eq(userNumbers.userId, viewer.userId)))
    .orderBy(asc(clinicNumbers.label));
  return rows.map((r) => r.n);
}

/** The ids of all of a practice's clinic numbers. */
export async function listOrgNumberIds(db: Db, orgId: number): Promise<number[]> {
  const rows = await db
    .select({ id: clinicNumbers.id })
    .from(clinicNumbers)
    .where(eq(clinicNumbers.orgId, orgId));
  return rows.map((r) => r.id);
}

/** One number the viewer may see, or undefined: callers answer 404 either way, so ids do not leak. */
export async function findVisibleNumber(db: Db, viewer: Viewer, id: number) {
  const numbers = await listVisibleNumbers(db, viewer);
  return numbers.find((n) => n.id === id);
}

export async function getOrgNumber(db: Db, orgId: number, id: number) {
  return db.query.clinicNumbers.findFirst({
    where: and(eq(clinicNumbers.id, id), eq(clinicNumbers.orgId, orgId)),
  });
}

export async function findNumberByE164(db: Db, e164: string) {
  return db.query.clinicNumbers.findFirst({ where: eq(clinicNumbers.e164, e164) });
}

export type NumberFields = Omit<typeof clinicNumbers.$inferInsert, "id" | "orgId" | "createdAt">;

export function insertNumber(db: Db, orgId: number, fields: NumberFields, now: number) {
  return db
    .insert(clinicNumbers)
    .values({ ...fields, orgId, createdAt: now })
    .returning();
}

export function updateNumberRow(db: Db, orgId: number, id: number, patch: Partial<NumberFields>) {
  return db
    .update(clinicNumbers)
    .set(patch)
    .where(and(eq(clinicNumbers.id, id), eq(clinicNumbers.orgId, orgId)))
    .returning();
}

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

/** Numbers on the simulator carrier: the only ones the simulator page may text. */
export async function listSimulatorNumbers(db: Db) {
  return db
    .select({ id: clinicNumbers.id, label: clinicNumbers.label, e164: clinicNumbers.e164 })
    .from(clinicNumbers)
    .where(eq(clinicNumbers.carrier, "simulator"))
    .orderBy(clinicNumbers.label);
}
