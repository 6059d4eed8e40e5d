/** @module SQL of history exports: the rows the API lists and the job updates as it goes. */
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { historyExports, type ExportFormat, type HistoryExport } from "../schema";

export type NewExport = {
  orgId: number;
  userId: number;
  numberId: number;
  conversationId: number | null;
  phone: string | null;
  rangeFrom: number | null;
  rangeTo: number | null;
  format: ExportFormat;
};

export async function insertExport(db: Db, input: NewExport, now: number): Promise<HistoryExport> {
  const [row] = await db
    .insert(historyExports)
    .values({ ...input, status: "pending", createdAt: now })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export function getExport(db: Db, id: number) {
  return db.query.historyExports.findFirst({ where: eq(historyExports.id, id) });
}

/** An export the user owns: anyone else, even an admin of the same practice, gets nothing (404). */
export function getOwnExport(db: Db, orgId: number, userId: number, id: number) {
  return db.query.historyExports.findFirst({
    where: and(eq(historyExports.id, id), eq(historyExports.orgId, orgId), eq(historyExports.userId, userId)),
  });
}

export function listOwnExports(db: Db, orgId: number, userId: number, limit: number) {
  return db
    .select()
    .from(historyExports)
    .where(and(eq(historyExports.orgId, orgId), eq(historyExports.userId, userId)))
    .orderBy(desc(historyExports.id))
    .limit(limit);
}

/** Claims a pending export for running; false when another run already took it. */
export async function markRunning(db: Db, id: number, now: number) {
  const rows = await db
    .update(historyExports)
    .set({ status: "running", startedAt: now, rows: 0, bytes: 0, error: null })
    .where(and(eq(historyExports.id, id), eq(historyExports.status, "pending")))
    .returning({ id: historyExports.id });
  return rows.length === 1;
}

export async function reportProgress(db: Db, id: number, rows: number, bytes: number) {
  await db
    .update(historyExports)
    .set({ rows, bytes })
    .where(and(eq(historyExports.id, id), eq(historyExports.status, "running")));
}

export async function markDone(
  db: Db,
  id: number,
  done: { r2Key: string; rows: number; bytes: number; now: number; expiresAt: number },
) {
  await db
    .update(historyExports)
    .set({
      status: "done",
      r2Key: done.r2Key,
      rows: done.rows,
      bytes: done.bytes,
      finishedAt: done.now,
      expiresAt: done.expiresAt,
    })
    .where(eq(historyExports.id, id));
}

export async function markFailed(db: Db, id: number, error: string, now: number) {
  await db
    .update(historyExports)
    .set({ status: "failed", error, r2Key: null, finishedAt: now })
    .where(eq(historyExports.id, id));
}

/** Puts a failed export back in the queue (startedAt = queued now, for the stale check); undefined if not failed. */
export async function resetForRetry(db: Db, id: number, now: number) {
  const rows = await db
    .update(historyExports)
    .set({ status: "pending", error: null, rows: 0, bytes: 0, startedAt: now, finishedAt: null })
    .where(and(eq(historyExports.id, id), eq(historyExports.status, "failed")))
    .returning();
  return rows[0];
}

export function listExpiredExports(db: Db, now: number, limit: number) {
  return db
    .select({ id: historyExports.id, r2Key: historyExports.r2Key })
    .from(historyExports)
    .where(and(eq(historyExports.status, "done"), lt(historyExports.expiresAt, now)))
    .limit(limit);
}

export async function markExpired(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return;
  await db
    .update(historyExports)
    .set({ status: "expired", r2Key: null })
    .where(inArray(historyExports.id, [...ids]));
}

/**
 * Exports whose run died with its isolate (a `waitUntil` cut short, a deploy) stay `running` forever unless
 * someone notices: after this long they are failed with a reason, so the owner can retry.
 */
export async function failStaleExports(db: Db, startedBefore: number, now: number) {
  const rows = await db
    .update(historyExports)
    .set({ status: "failed", error: "The export was interrupted. Try again.", finishedAt: now })
    .where(
      and(
        inArray(historyExports.status, ["pending", "running"]),
        lt(sql`coalesce(${historyExports.startedAt}, ${historyExports.createdAt})`, startedBefore),
      ),
    )
    .returning({ id: historyExports.id });
  return rows.length;
}
