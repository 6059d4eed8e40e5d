import { and, eq, like, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { escapeLike, fitLikePattern, MAX_PHONE_DIGITS, MAX_SEARCH_WORDS } from "../../shared/search";
import { patients, type Patient } from "../schema";
import { auditInsert, type AuditEntry } from "./audit";

export type PatientFields = Pick<Patient, "firstName" | "lastName" | "phone" | "dateOfBirth" | "notes">;

/**
 * Keyset cursor for the Rolodex order (last name, first name, id), case-insensitive: the id of the last patient
 * shown, whose names the query reads back, so the cursor the API hands out carries no name.
 */
export type PatientCursor = { afterId: number };

const byName = sql`${patients.lastName} COLLATE NOCASE, ${patients.firstName} COLLATE NOCASE, ${patients.id}`;

/**
 * Search the Rolodex. Letters match the start of the first or last name (each word must match), which the
 * (org_id, name COLLATE NOCASE) indexes serve; digits match anywhere in the phone, within one practice.
 *
 * D1 allows 100 bound parameters and 50-byte LIKE patterns (developers.cloudflare.com/d1/platform/limits/),
 * so words are read as the queue reads them (worker/shared/search.ts): distinct, at most MAX_SEARCH_WORDS
 * (two parameters each), a long name word cut to fit a pattern, and more digits than a phone has match none.
 */
export async function searchPatients(
  db: Db,
  orgId: number,
  query: string,
  cursor: PatientCursor | undefined,
  limit: number,
) {
  const conditions: SQL[] = [eq(patients.orgId, orgId)];
  const words = [...new Set(query.trim().split(/\s+/).filter(Boolean))].slice(0, MAX_SEARCH_WORDS);
  for (const word of words) {
    const digits = word.replace(/\D/g, "");
    if (/^[\d()+\-.]+$/.test(word) && digits.length > 0) {
      conditions.push(digits.length > MAX_PHONE_DIGITS ? sql`0` : like(patients.phone, `%${digits}%`));
    } else {
      const prefix = `${escapeLike(fitLikePattern(word))}%`;
      const nameMatch = or(
        sql`${patients.firstName} LIKE ${prefix} ESCAPE '\\'`,
        sql`${patients.lastName} LIKE ${prefix} ESCAPE '\\'`,
      );
      if (nameMatch) conditions.push(nameMatch);
    }
  }
  if (cursor) {
    conditions.push(
      sql`(${patients.lastName} COLLATE NOCASE, ${patients.firstName} COLLATE NOCASE, ${patients.id}) > (select last_name, first_name, id from patients where id = ${cursor.afterId} and org_id = ${orgId})`,
    );
  }
  const rows = await db
    .select()
    .from(patients)
    .where(and(...conditions))
    .orderBy(byName)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor: PatientCursor | null = rows.length > limit && last ? { afterId: last.id } : null;
  return { patients: page, nextCursor };
}

export async function getPatient(db: Db, orgId: number, id: number) {
  return db.query.patients.findFirst({
    where: and(eq(patients.id, id), eq(patients.orgId, orgId)),
  });
}

export function insertPatient(db: Db, orgId: number, fields: PatientFields, now: number) {
  return db
    .insert(patients)
    .values({ ...fields, orgId, createdAt: now, updatedAt: now })
    .returning();
}

export function updatePatientRow(
  db: Db,
  orgId: number,
  id: number,
  patch: Partial<PatientFields>,
  now: number,
) {
  return db
    .update(patients)
    .set({ ...patch, updatedAt: now })
    .where(and(eq(patients.id, id), eq(patients.orgId, orgId)))
    .returning();
}

/**
 * Insert statements for many patients, chunked so no statement exceeds D1's 100 bound parameters
 * (https://developers.cloudflare.com/d1/platform/limits/). Run them in one `db.batch`, which D1 executes
 * as a single transaction: an import lands whole or not at all.
 */
export function insertPatientsChunks(db: Db, orgId: number, rows: PatientFields[], now: number) {
  const columnsPerRow = 8;
  const perStatement = Math.floor(100 / columnsPerRow);
  const statements = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    statements.push(
      db.insert(patients).values(
        rows.slice(i, i + perStatement).map((r) => ({
          ...r,
          orgId,
          createdAt: now,
          updatedAt: now,
        })),
      ),
    );
  }
  return statements;
}

/** A whole patient import and its audit entry as one transaction: it lands whole or not at all. */
export async function importPatients(
  db: Db,
  input: { orgId: number; rows: PatientFields[]; audit: AuditEntry },
  now: number,
) {
  const [first, ...rest] = insertPatientsChunks(db, input.orgId, input.rows, now);
  if (!first) return;
  await db.batch([first, ...rest, auditInsert(db, input.audit, now)]);
}
