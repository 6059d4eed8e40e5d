import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { patients, type Patient } from "../schema";
import { auditInsert } from "./audit";
import { chunked, MAX_BOUND_PARAMETERS } from "./chunked";

export type SyncedPatient = Pick<
  Patient,
  "firstName" | "lastName" | "phone" | "dateOfBirth" | "notes" | "externalId" | "timezone"
> & { externalId: string };

export type UpsertOutcome = { externalId: string; id: number; created: boolean };

/** Bound parameters per upserted row: the seven fields, org id, created_at and updated_at. */
const PARAMS_PER_ROW = 10;

/**
 * Upserts patients keyed by (org, external id) in ONE D1 batch, which D1 runs as a single transaction: every
 * row lands or none does, and no row is ever half-updated. Statements are chunked under D1's 100-parameter
 * limit. A row counts as created when its created_at is this call's `now` (an update keeps the old one);
 * callers must not send the same external id twice in one call.
 */
export async function upsertPatients(
  db: Db,
  orgId: number,
  rows: SyncedPatient[],
  audit: { keyId: number },
  now: number,
): Promise<UpsertOutcome[]> {
  const statements = chunked(rows, Math.floor((MAX_BOUND_PARAMETERS - 1) / PARAMS_PER_ROW)).map((chunk) =>
    db
      .insert(patients)
      .values(chunk.map((r) => ({ ...r, orgId, createdAt: now, updatedAt: now })))
      .onConflictDoUpdate({
        target: [patients.orgId, patients.externalId],
        set: {
          firstName: sql`excluded.first_name`,
          lastName: sql`excluded.last_name`,
          phone: sql`excluded.phone`,
          dateOfBirth: sql`excluded.date_of_birth`,
          notes: sql`excluded.notes`,
          timezone: sql`excluded.timezone`,
          updatedAt: now,
        },
      })
      .returning({ id: patients.id, externalId: patients.externalId, createdAt: patients.createdAt }),
  );
  const [first, ...rest] = statements;
  if (!first) return [];
  const results = await db.batch([
    first,
    ...rest,
    auditInsert(
      db,
      {
        orgId,
        userId: null,
        action: "patients.api_upsert",
        detail: { keyId: audit.keyId, rows: rows.length },
      },
      now,
    ),
  ]);
  const outcomes: UpsertOutcome[] = [];
  for (const result of results.slice(0, statements.length)) {
    if (!Array.isArray(result)) continue;
    for (const r of result) {
      if (r.externalId !== null) {
        outcomes.push({ externalId: r.externalId, id: r.id, created: r.createdAt === now });
      }
    }
  }
  return outcomes;
}

/** The practice's patients with these external ids (ids of another practice simply do not match). */
export async function patientsByExternalIds(db: Db, orgId: number, externalIds: string[]) {
  const found: Patient[] = [];
  for (const chunk of chunked(externalIds, MAX_BOUND_PARAMETERS - 1)) {
    found.push(
      ...(await db
        .select()
        .from(patients)
        .where(and(eq(patients.orgId, orgId), inArray(patients.externalId, chunk)))),
    );
  }
  return found;
}

/** Time zones recorded for the practice's patients on these phones, for quiet hours. */
export async function timezonesByPhone(db: Db, orgId: number, phones: string[]) {
  const zones = new Map<string, Set<string>>();
  for (const chunk of chunked([...new Set(phones)], MAX_BOUND_PARAMETERS - 1)) {
    const rows = await db
      .select({ phone: patients.phone, timezone: patients.timezone })
      .from(patients)
      .where(and(eq(patients.orgId, orgId), inArray(patients.phone, chunk)));
    for (const row of rows) {
      if (row.timezone === null) continue;
      const set = zones.get(row.phone) ?? new Set<string>();
      set.add(row.timezone);
      zones.set(row.phone, set);
    }
  }
  return zones;
}
