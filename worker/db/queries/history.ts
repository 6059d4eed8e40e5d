/**
 * @module The live (not yet archived) side of a history export: keyset pages of D1 rows in id order, so an
 * export of any size reads a bounded page at a time and never the whole history.
 */
import { and, asc, eq, gt, gte, lt } from "drizzle-orm";
import type { Db } from "../client";
import { conversations, messages, users } from "../schema";

/** One page of a conversation's messages after `afterId`, walking the (conversation_id, id) index. */
export function conversationPage(db: Db, conversationId: number, afterId: number, limit: number) {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), gt(messages.id, afterId)))
    .orderBy(asc(messages.id))
    .limit(limit);
}

/** One page of a number's messages in [from, to) after `afterId`. */
export function numberRangePage(
  db: Db,
  numberId: number,
  from: number,
  to: number,
  afterId: number,
  limit: number,
) {
  return db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.numberId, numberId),
        gte(messages.createdAt, from),
        lt(messages.createdAt, to),
        gt(messages.id, afterId),
      ),
    )
    .orderBy(asc(messages.id))
    .limit(limit);
}

/** Staff names by id for the "staff" column: a practice has tens of users, not thousands. */
export async function staffNames(db: Db, orgId: number): Promise<Map<number, string>> {
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.orgId, orgId));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The conversation of a number and phone, scoped to the practice. */
export function findConversation(db: Db, orgId: number, numberId: number, phone: string) {
  return db.query.conversations.findFirst({
    where: and(
      eq(conversations.orgId, orgId),
      eq(conversations.numberId, numberId),
      eq(conversations.phone, phone),
    ),
  });
}

/** Phones of conversations by id, for the range export's phone column (ids come from the export's rows). */
export async function conversationPhones(db: Db, numberId: number): Promise<Map<number, string>> {
  const rows = await db
    .select({ id: conversations.id, phone: conversations.phone })
    .from(conversations)
    .where(eq(conversations.numberId, numberId));
  return new Map(rows.map((r) => [r.id, r.phone]));
}
