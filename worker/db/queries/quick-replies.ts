/**
 * @module The practice's quick replies. Every change writes its audit row in the same batch (name and
 * which fields changed, never the body), selected from the row the change touched so the two cannot differ.
 */
import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { auditLog, quickReplies, type QuickReply } from "../schema";

export type QuickReplyView = Pick<QuickReply, "id" | "name" | "body" | "createdAt" | "updatedAt">;

const viewColumns = {
  id: quickReplies.id,
  name: quickReplies.name,
  body: quickReplies.body,
  createdAt: quickReplies.createdAt,
  updatedAt: quickReplies.updatedAt,
};

export function listQuickReplies(db: Db, orgId: number): Promise<QuickReplyView[]> {
  return db
    .select(viewColumns)
    .from(quickReplies)
    .where(eq(quickReplies.orgId, orgId))
    .orderBy(sql`${quickReplies.name} collate nocase`, asc(quickReplies.id));
}

/** Whether another quick reply of the practice has this name (names are unique, ignoring case). */
export async function quickReplyNameTaken(db: Db, orgId: number, name: string, exceptId?: number) {
  const row = await db
    .select({ id: quickReplies.id })
    .from(quickReplies)
    .where(
      and(
        eq(quickReplies.orgId, orgId),
        sql`${quickReplies.name} = ${name} collate nocase`,
        exceptId === undefined ? undefined : ne(quickReplies.id, exceptId),
      ),
    )
    .limit(1);
  return row.length > 0;
}

/** An audit row for the quick reply `where` selects (as `q`), in the same batch as the change. */
function auditFrom(
  db: Db,
  entry: { orgId: number; userId: number; action: string; detail: object },
  where: ReturnType<typeof sql>,
  now: number,
) {
  // drizzle's insert ... select names every column in table order, so the select lists them all in order.
  return db.insert(auditLog).select(
    sql`select null, ${entry.orgId}, ${entry.userId}, ${entry.action}, 'quick_reply', cast(q.id as text),
          json_set(${JSON.stringify(entry.detail)}, '$.name', q.name), ${now}
        from quick_replies q where ${where}`,
  );
}

export async function insertQuickReply(
  db: Db,
  input: { orgId: number; userId: number; name: string; body: string },
  now: number,
): Promise<QuickReplyView | undefined> {
  const [inserted] = await db.batch([
    db
      .insert(quickReplies)
      .values({
        orgId: input.orgId,
        name: input.name,
        body: input.body,
        createdBy: input.userId,
        createdAt: now,
        updatedAt: now,
      })
      // The name is unique per practice: a concurrent create of the same name stores nothing (409).
      .onConflictDoNothing()
      .returning(viewColumns),
    auditFrom(
      db,
      { orgId: input.orgId, userId: input.userId, action: "quick_reply.create", detail: {} },
      sql`q.org_id = ${input.orgId} and q.name = ${input.name} and q.created_at = ${now} and q.created_by = ${input.userId}`,
      now,
    ),
  ]);
  return inserted[0];
}

export async function updateQuickReply(
  db: Db,
  ref: { orgId: number; id: number; userId: number },
  patch: { name?: string | undefined; body?: string | undefined },
  now: number,
): Promise<QuickReplyView | undefined> {
  const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
  const [updated] = await db.batch([
    db
      .update(quickReplies)
      .set({ ...patch, updatedAt: now })
      .where(and(eq(quickReplies.id, ref.id), eq(quickReplies.orgId, ref.orgId)))
      .returning(viewColumns),
    auditFrom(
      db,
      { orgId: ref.orgId, userId: ref.userId, action: "quick_reply.update", detail: { fields } },
      sql`q.id = ${ref.id} and q.org_id = ${ref.orgId}`,
      now,
    ),
  ]);
  return updated[0];
}

export async function deleteQuickReply(
  db: Db,
  ref: { orgId: number; id: number; userId: number },
  now: number,
): Promise<QuickReplyView | undefined> {
  // The audit row first: it reads the name from the row about to go.
  const [, deleted] = await db.batch([
    auditFrom(
      db,
      { orgId: ref.orgId, userId: ref.userId, action: "quick_reply.delete", detail: {} },
      sql`q.id = ${ref.id} and q.org_id = ${ref.orgId}`,
      now,
    ),
    db
      .delete(quickReplies)
      .where(and(eq(quickReplies.id, ref.id), eq(quickReplies.orgId, ref.orgId)))
      .returning(viewColumns),
  ]);
  return deleted[0];
}
