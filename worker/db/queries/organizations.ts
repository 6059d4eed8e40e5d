import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { organizations, users, type Organization } from "../schema";
import { auditInsert, type AuditEntry } from "./audit";

export async function getOrganization(db: Db, id: number) {
  return db.query.organizations.findFirst({ where: eq(organizations.id, id) });
}

export async function countOrganizations(db: Db) {
  const rows = await db.select({ id: organizations.id }).from(organizations).limit(1);
  return rows.length;
}

export type OrgSettings = Pick<Organization, "name" | "timezone" | "queueWindowDays" | "idleTimeoutMinutes"> &
  Partial<Pick<Organization, "quietHoursStart" | "quietHoursEnd">>;

export function updateOrganization(db: Db, id: number, patch: Partial<OrgSettings>) {
  return db.update(organizations).set(patch).where(eq(organizations.id, id)).returning();
}

/** Changes the practice's settings and records who did, in one transaction; undefined if there is no such practice. */
export async function updateSettingsAudited(
  db: Db,
  id: number,
  patch: Partial<OrgSettings>,
  audit: AuditEntry,
): Promise<Organization | undefined> {
  const [updated] = await db.batch([updateOrganization(db, id, patch), auditInsert(db, audit)]);
  return updated[0];
}

export function insertOrganization(db: Db, fields: OrgSettings, now: number) {
  return db
    .insert(organizations)
    .values({ ...fields, createdAt: now })
    .returning();
}

/**
 * First-run setup as one D1 batch (one transaction): the practice, its first admin and the audit row are
 * written only while no practice exists. D1 runs one write at a time, so of two simultaneous setups exactly
 * one creates anything, and nothing is ever half-created. Returns the ids, or null when already set up.
 */
export async function createFirstPractice(
  db: Db,
  input: { name: string; timezone: string; adminEmail: string; adminName: string; passwordHash: string },
  now: number,
) {
  const email = input.adminEmail.toLowerCase();
  // Plain D1 statements: drizzle's batch cannot carry INSERT … SELECT … WHERE NOT EXISTS.
  const d1 = db.$client;
  const [org] = await d1.batch([
    d1
      .prepare(
        `INSERT INTO organizations (name, timezone, queue_window_days, idle_timeout_minutes, created_at)
         SELECT ?, ?, 10, 30, ? WHERE NOT EXISTS (SELECT 1 FROM organizations)`,
      )
      .bind(input.name, input.timezone, now),
    d1
      .prepare(
        `INSERT INTO users (org_id, email, name, role, active, password_hash, sms_reply_alert, sms_reply_sound, created_at)
         SELECT id, ?, ?, 'admin', 1, ?, 1, 1, ? FROM organizations
         WHERE (SELECT count(*) FROM organizations) = 1 AND NOT EXISTS (SELECT 1 FROM users)`,
      )
      .bind(email, input.adminName, input.passwordHash, now),
    d1
      .prepare(
        `INSERT INTO audit_log (org_id, user_id, action, created_at)
         SELECT u.org_id, u.id, 'setup.complete', ? FROM users u
         WHERE u.email = ? AND NOT EXISTS (SELECT 1 FROM audit_log WHERE action = 'setup.complete')`,
      )
      .bind(now, email),
  ]);
  if (!org || org.meta.changes !== 1) return null;
  const admin = await db.query.users.findFirst({ where: eq(users.email, email) });
  return admin ? { organizationId: admin.orgId, adminId: admin.id } : null;
}
