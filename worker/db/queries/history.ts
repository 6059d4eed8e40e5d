/**
 * @module The live (not yet archived) side of a history export: keyset pages of D1 rows in id order, so an
 * export of any size reads a bounded page at a time and never the whole history.
 *
 * The bulk pages (these and the prune job's selection in archive.ts) read positional rows (`.raw()`) and
 * build each `Message` with one precomputed loop: drizzle's generic row mapping checks every column's kind
 * and path on every row (together with per-row writes, about half of a 50,000-row export: bench/history.ts). Only the
 * columns whose driver value differs from the JS value (booleans, JSON) are decoded, by drizzle's own
 * column, so the rows are exactly what `db.select().from(messages)` returns.
 */
import { and, Column, eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { conversations, messages, users, type Message } from "../schema";

const MESSAGE_COLUMNS = Object.entries(getTableColumns(messages)).map(([key, column]) => ({
  key,
  // Identity for plain integers and text; a real decoder for booleans and JSON.
  decode:
    column.mapFromDriverValue === Column.prototype.mapFromDriverValue
      ? undefined
      : (value: unknown): unknown => column.mapFromDriverValue(value),
}));

/** Every column of `messages` in schema order, for a raw select that `toMessages` can read back. */
export const MESSAGE_SELECT: SQL = sql.raw(
  Object.values(getTableColumns(messages))
    .map((c) => `"${c.name}"`)
    .join(", "),
);

/** Positional rows of `select ${MESSAGE_SELECT}` as `Message` objects. */
export function toMessages(rows: readonly unknown[][]): Message[] {
  const out = new Array<Message>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const raw = rows[r] ?? [];
    const row: Record<string, unknown> = {};
    for (let c = 0; c < MESSAGE_COLUMNS.length; c++) {
      const col = MESSAGE_COLUMNS[c];
      if (!col) continue;
      const value = raw[c] ?? null;
      row[col.key] = value === null || !col.decode ? value : col.decode(value);
    }
    out[r] = row as Message;
  }
  return out;
}

/** One page of a conversation's messages after `afterId`, walking the (conversation_id, id) index. */
export async function conversationPage(db: Db, conversationId: number, afterId: number, limit: number) {
  return toMessages(
    await db.values(
      sql`select ${MESSAGE_SELECT} from messages where conversation_id = ${conversationId} and id > ${afterId} order by id limit ${limit}`,
    ),
  );
}

/** One page of a number's messages in [from, to) after `afterId`. */
export async function numberRangePage(
  db: Db,
  numberId: number,
  from: number,
  to: number,
  afterId: number,
  limit: number,
) {
  return toMessages(
    await db.values(
      sql`select ${MESSAGE_SELECT} from messages where number_id = ${numberId} and created_at >= ${from} and created_at < ${to} and id > ${afterId} order by id limit ${limit}`,
    ),
  );
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
