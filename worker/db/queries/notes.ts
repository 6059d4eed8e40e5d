/**
 * @module Internal notes: a message row with direction `internal`, kind `note`, status `recorded`. It is
 * never queued or sent (every carrier path, drain and sweeper reads `out` rows only), never moves the
 * conversation in the queue (no bump of last message, preview or unread), and never reaches the practice
 * system (its webhooks carry `in` messages and status moves only).
 */
import { and, asc, eq, exists, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { auditLog, mentions, messages, userNumbers, users, type ClinicNumber, type Message } from "../schema";

export type NoteRow = {
  number: ClinicNumber;
  conversationId: number;
  body: string;
  authorUserId: number;
  /** Already namespaced by the caller (`note:<client key>`), so it never equals a text's key. */
  idempotencyKey: string;
  mentionedUserIds: readonly number[];
  now: number;
};

/**
 * Stores the note, its mentions and its audit row (ids and counts, never the text) in one batch, so a note
 * never exists without them. A repeat of the same key stores nothing and returns the earlier note: the
 * mentions and the audit row only join the row created at this `now`, which a replay's row is not.
 */
export async function insertNote(db: Db, row: NoteRow): Promise<{ message: Message; created: boolean }> {
  const { number, now } = row;
  const justCreated = sql`m.number_id = ${number.id} and m.idempotency_key = ${row.idempotencyKey} and m.created_at = ${now}`;
  const detail = JSON.stringify({
    numberId: number.id,
    conversationId: row.conversationId,
    mentions: row.mentionedUserIds.length,
  });
  const [inserted] = await db.batch([
    db
      .insert(messages)
      .values({
        orgId: number.orgId,
        numberId: number.id,
        conversationId: row.conversationId,
        direction: "internal",
        kind: "note",
        body: row.body,
        status: "recorded",
        carrier: number.carrier,
        segments: 0,
        authorUserId: row.authorUserId,
        idempotencyKey: row.idempotencyKey,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: [messages.numberId, messages.idempotencyKey] })
      .returning(),
    // drizzle's insert ... select names every column in table order, so each select lists them all in order.
    db
      .insert(mentions)
      .select(
        sql`select ${row.conversationId}, j.value, m.id, ${now}
            from json_each(${JSON.stringify(row.mentionedUserIds)}) j join messages m on ${justCreated}
            where true`,
      )
      .onConflictDoNothing(),
    db.insert(auditLog).select(
      sql`select null, ${number.orgId}, ${row.authorUserId}, 'note.create', 'message', cast(m.id as text),
              ${detail}, ${now}
            from messages m where ${justCreated}`,
    ),
  ]);
  const created = inserted[0];
  if (created) return { message: created, created: true };
  const earlier = await db.query.messages.findFirst({
    where: and(eq(messages.numberId, number.id), eq(messages.idempotencyKey, row.idempotencyKey)),
  });
  if (!earlier) throw new Error("note idempotency conflict without a row");
  return { message: earlier, created: false };
}

/** The users a note on this number may mention: active users of the practice who may see the number. */
export async function mentionableUsers(db: Db, orgId: number, numberId: number) {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(
      and(
        eq(users.orgId, orgId),
        eq(users.active, true),
        or(
          eq(users.role, "admin"),
          exists(
            db
              .select({ one: sql`1` })
              .from(userNumbers)
              .where(and(eq(userNumbers.userId, users.id), eq(userNumbers.numberId, numberId))),
          ),
        ),
      ),
    )
    .orderBy(asc(users.name), asc(users.id));
}

/** The users a note mentioned (what its live event carried), for a replayed request's answer. */
export async function mentionsOfNote(db: Db, messageId: number): Promise<number[]> {
  const rows = await db
    .select({ userId: mentions.userId })
    .from(mentions)
    .where(eq(mentions.messageId, messageId))
    .orderBy(asc(mentions.createdAt));
  return rows.map((r) => r.userId);
}
