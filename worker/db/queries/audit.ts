import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../client";
import { auditLog } from "../schema";

export type AuditEntry = {
  orgId: number;
  userId: number | null;
  action: string;
  targetType?: string;
  targetId?: string | number;
  /** Ids, field names and counts only: never message bodies or phone numbers. */
  detail?: Record<string, unknown>;
};

/** The insert statement, so callers can put it in the same batch as the change it records. */
export function auditInsert(db: Db, entry: AuditEntry, now = Date.now()) {
  return db.insert(auditLog).values({
    orgId: entry.orgId,
    userId: entry.userId,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId === undefined ? null : String(entry.targetId),
    detail: entry.detail ?? null,
    createdAt: now,
  });
}

export async function listAudit(db: Db, orgId: number, before: number | undefined, limit: number) {
  return db
    .select()
    .from(auditLog)
    .where(
      before === undefined
        ? eq(auditLog.orgId, orgId)
        : and(eq(auditLog.orgId, orgId), lt(auditLog.id, before)),
    )
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
