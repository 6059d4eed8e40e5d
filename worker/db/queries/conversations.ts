/**
 * @module SQL of `conversations` by id, and its team fields (assignment, open/done/snoozed) with the event
 * lines they leave in the thread. The queue's listing and search are in queue.ts.
 */
import { and, asc, eq, exists, inArray, lte, min, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import {
  conversations,
  messages,
  userNumbers,
  users,
  type Carrier,
  type Conversation,
  type Message,
} from "../schema";
import { auditInsert } from "./audit";
import { chunked, MAX_BOUND_PARAMETERS } from "./chunked";

/** The remote phone of one conversation; undefined when there is no such conversation. */
export async function conversationPhone(db: Db, conversationId: number): Promise<string | undefined> {
  const row = await db.query.conversations.findFirst({
    where: eq(conversations.id, conversationId),
    columns: { phone: true },
  });
  return row?.phone;
}

/** The remote phone of each conversation, for webhook payloads (unknown ids are left out). */
export async function conversationPhones(db: Db, ids: number[]) {
  const phones = new Map<number, string>();
  for (const chunk of chunked([...new Set(ids)], MAX_BOUND_PARAMETERS - 1)) {
    const rows = await db
      .select({ id: conversations.id, phone: conversations.phone })
      .from(conversations)
      .where(inArray(conversations.id, chunk));
    for (const r of rows) phones.set(r.id, r.phone);
  }
  return phones;
}

/** The team fields of a conversation: who has it, and whether it is open, done or snoozed (until when). */
export type TeamState = Pick<Conversation, "state" | "snoozedUntil" | "assignedUserId">;

/**
 * The practice's active users who may see this number (admins see every number; staff need a grant): the
 * people a conversation on it may be assigned to. Alphabetical, as the Assigned to control lists them.
 */
export async function assignableUsers(db: Db, orgId: number, numberId: number) {
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
    .orderBy(asc(users.name));
}

/** One assignable user (see assignableUsers), or undefined: another practice's, inactive or without access. */
export async function findAssignableUser(db: Db, orgId: number, numberId: number, userId: number) {
  const rows = await assignableUsers(db, orgId, numberId);
  return rows.find((u) => u.id === userId);
}

/**
 * Sets a conversation's team fields only while `guard` holds (the state the caller read, or "unassigned",
 * "snoozed and due"), so two racing changes cannot both apply: the one that lost gets undefined and says
 * nothing. Never touches last_message_at, the preview or unread: a state change is not activity.
 */
export async function updateTeamState(
  db: Db,
  conversationId: number,
  set: Partial<TeamState & Pick<Conversation, "needsAttention">>,
  guard?: SQL,
) {
  const [row] = await db
    .update(conversations)
    .set(set)
    .where(and(eq(conversations.id, conversationId), guard))
    .returning();
  return row;
}

/** The guard "nothing changed since the caller read it". */
export function unchangedSince(seen: TeamState): SQL {
  return sql`${conversations.state} = ${seen.state} and ${conversations.snoozedUntil} is ${seen.snoozedUntil} and ${conversations.assignedUserId} is ${seen.assignedUserId}`;
}
export const isUnassigned: SQL = sql`${conversations.assignedUserId} is null`;
export const isClosed: SQL = sql`${conversations.state} <> 'open'`;
export function isSnoozedBy(now: number): SQL {
  return sql`${conversations.state} = 'snoozed' and ${conversations.snoozedUntil} <= ${now}`;
}

/**
 * The thread's line for a state change (direction `internal`, kind `event`, status `recorded`, no carrier
 * id, so no carrier path or practice webhook can take it) and its audit row, in one transaction. The
 * conversation's last activity, preview and unread flag stay as they are.
 */
export async function insertEventLine(
  db: Db,
  line: {
    conversation: Conversation;
    carrier: Carrier;
    body: string;
    authorUserId: number | null;
    action: string;
    detail: Record<string, unknown>;
    now: number;
  },
): Promise<Message> {
  const c = line.conversation;
  const [inserted] = await db.batch([
    db
      .insert(messages)
      .values({
        orgId: c.orgId,
        numberId: c.numberId,
        conversationId: c.id,
        direction: "internal",
        kind: "event",
        body: line.body,
        status: "recorded",
        carrier: line.carrier,
        segments: 0,
        authorUserId: line.authorUserId,
        createdAt: line.now,
        updatedAt: line.now,
      })
      .returning(),
    auditInsert(
      db,
      {
        orgId: c.orgId,
        userId: line.authorUserId,
        action: line.action,
        targetType: "conversation",
        targetId: c.id,
        detail: line.detail,
      },
      line.now,
    ),
  ]);
  const [message] = inserted;
  if (!message) throw new Error("event line insert returned no row");
  return message;
}

/** Snoozed conversations of a number whose time has come, oldest due first (the partial snooze index). */
export async function dueSnoozes(db: Db, numberId: number, now: number, limit: number) {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.numberId, numberId), isSnoozedBy(now)))
    .orderBy(asc(conversations.snoozedUntil))
    .limit(limit);
}

/** When the number's next snooze ends, or null when nothing on it is snoozed. */
export async function nextSnoozeAt(db: Db, numberId: number): Promise<number | null> {
  const [row] = await db
    .select({ at: min(conversations.snoozedUntil) })
    .from(conversations)
    .where(and(eq(conversations.numberId, numberId), sql`${conversations.state} = 'snoozed'`));
  return row?.at ?? null;
}

/** Numbers with a snooze that should have ended before `before`: their alarm was lost. */
export async function numbersWithOverdueSnoozes(db: Db, before: number) {
  const rows = await db
    .selectDistinct({ numberId: conversations.numberId })
    .from(conversations)
    .where(and(sql`${conversations.state} = 'snoozed'`, lte(conversations.snoozedUntil, before)));
  return rows.map((r) => r.numberId);
}
