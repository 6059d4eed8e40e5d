import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { organizations, type Organization } from "../schema";

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

export function insertOrganization(db: Db, fields: OrgSettings, now: number) {
  return db
    .insert(organizations)
    .values({ ...fields, createdAt: now })
    .returning();
}
