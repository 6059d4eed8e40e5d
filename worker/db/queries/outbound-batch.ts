/**
 * @module SQL of queued texts (the practice-system API's, and staff send-later texts stored by
 * queries/scheduled.ts): storing a whole API batch at once, and the clinic number's drain
 * (messaging/outbound-drain.ts) picking due rows, claiming them and holding them back.
 */
import {
  and,
  eq,
  getTableColumns,
  inArray,
  is,
  isNull,
  ne,
  SQL,
  sql,
  type Column,
  type Table,
} from "drizzle-orm";
import type { Db } from "../client";
import {
  clinicNumbers,
  conversations,
  messages,
  optOuts,
  type ClinicNumber,
  type Message,
  type MessageKind,
} from "../schema";
import { auditInsert } from "./audit";
import { chunked, MAX_BOUND_PARAMETERS } from "./chunked";
import { bumpConversation } from "./messages";

export type QueuedRow = {
  phone: string;
  key: string;
  sendAfter: number;
  /** A reminder about an appointment (stored on the message; null or absent: none). */
  appointmentId?: string | null;
  appointmentStartsAt?: number | null;
  appointmentLabel?: string | null;
  appointmentExpects?: "confirmation" | null;
  appointmentExternalId?: string | null;
};
export type StoredText = { id: number; sendAfter: number; createdAt: number };

/** The texts of this number already stored under these idempotency keys (a retried request). */
export async function messagesByKeys(db: Db, numberId: number, keys: string[]) {
  const found = new Map<string, Message>();
  for (const chunk of chunked([...new Set(keys)], MAX_BOUND_PARAMETERS - 1)) {
    const rows = await db
      .select()
      .from(messages)
      .where(and(eq(messages.numberId, numberId), inArray(messages.idempotencyKey, chunk)));
    for (const row of rows) if (row.idempotencyKey !== null) found.set(row.idempotencyKey, row);
  }
  return found;
}

/** The phones among these that opted out of this number. */
export async function optedOutAmong(db: Db, numberId: number, phones: string[]) {
  const out = new Set<string>();
  for (const chunk of chunked([...new Set(phones)], MAX_BOUND_PARAMETERS - 1)) {
    const rows = await db
      .select({ phone: optOuts.phone })
      .from(optOuts)
      .where(and(eq(optOuts.numberId, numberId), inArray(optOuts.phone, chunk), eq(optOuts.optedOut, true)));
    for (const row of rows) out.add(row.phone);
  }
  return out;
}

/**
 * Stores a batch of queued texts in ONE D1 batch (one transaction). The rows travel as a single JSON
 * parameter read back with json_each, so a thousand recipients do not meet the 100-parameter limit. The
 * insert skips keys already used on this number (ON CONFLICT DO NOTHING), so a retried or concurrent copy of
 * the same request stores nothing new. The SELECT carries `where true` because SQLite's upsert after an
 * INSERT ... SELECT with a join is otherwise ambiguous (sqlite.org/lang_upsert.html, "Parsing Ambiguity").
 */
export async function insertQueuedBatch(
  db: Db,
  batch: {
    number: ClinicNumber;
    kind: MessageKind;
    body: string;
    segments: number;
    encoding: "GSM-7" | "UCS-2";
    rows: QueuedRow[];
    keyId: number;
    now: number;
  },
): Promise<Map<string, StoredText>> {
  const { number, rows, now } = batch;
  if (rows.length === 0) return new Map<string, StoredText>();
  const json = JSON.stringify(rows);
  const value = (field: keyof QueuedRow) => sql.raw(`json_extract(j.value, '$.${field}')`);
  const phoneOf = value("phone");
  const [, inserted] = await db.batch([
    db
      .insert(conversations)
      .select(
        sql`select ${inTableOrder(conversations, {
          orgId: sql`${number.orgId}`,
          numberId: sql`${number.id}`,
          phone: phoneOf,
          lastMessageAt: sql`${now}`,
          createdAt: sql`${now}`,
        })} from json_each(${json}) j where true`,
      )
      .onConflictDoNothing({ target: [conversations.numberId, conversations.phone] }),
    db
      .insert(messages)
      .select(
        sql`select ${inTableOrder(messages, {
          orgId: sql`${number.orgId}`,
          numberId: sql`${number.id}`,
          conversationId: sql`c.id`,
          direction: sql`'out'`,
          kind: sql`${batch.kind}`,
          body: sql`${batch.body}`,
          status: sql`'queued'`,
          carrier: sql`${number.carrier}`,
          segments: sql`${batch.segments}`,
          encoding: sql`${batch.encoding}`,
          idempotencyKey: value("key"),
          createdAt: sql`${now}`,
          updatedAt: sql`${now}`,
          sendAfter: value("sendAfter"),
          appointmentId: value("appointmentId"),
          appointmentStartsAt: value("appointmentStartsAt"),
          appointmentLabel: value("appointmentLabel"),
          appointmentExpects: value("appointmentExpects"),
          appointmentExternalId: value("appointmentExternalId"),
        })}
            from json_each(${json}) j
            join conversations c on c.number_id = ${number.id} and c.phone = ${phoneOf}
            where true`,
      )
      .onConflictDoNothing({ target: [messages.numberId, messages.idempotencyKey] })
      .returning({
        id: messages.id,
        key: messages.idempotencyKey,
        sendAfter: messages.sendAfter,
        createdAt: messages.createdAt,
      }),
    auditInsert(
      db,
      {
        orgId: number.orgId,
        userId: null,
        action: "message.api_queue",
        targetType: "clinic_number",
        targetId: number.id,
        detail: { kind: batch.kind, keyId: batch.keyId, rows: rows.length },
      },
      now,
    ),
  ]);
  const stored = new Map<string, StoredText>();
  for (const r of inserted) {
    if (r.key !== null)
      stored.set(r.key, { id: r.id, sendAfter: r.sendAfter ?? now, createdAt: r.createdAt });
  }
  // A concurrent copy of the same request may have stored some keys first: read those back.
  const missing = rows.map((r) => r.key).filter((key) => !stored.has(key));
  for (const [key, m] of await messagesByKeys(db, number.id, missing)) {
    stored.set(key, { id: m.id, sendAfter: m.sendAfter ?? m.createdAt, createdAt: m.createdAt });
  }
  return stored;
}

/**
 * The select list of an INSERT ... SELECT, by column name: drizzle's insert ... select lists every column in
 * table order, so a positional list broke whenever a column was added. Each column not named here gets its
 * schema default (or null), so a new column needs no edit here unless it must be filled.
 */
function inTableOrder<T extends Table>(table: T, values: Partial<Record<keyof T["_"]["columns"], SQL>>): SQL {
  const named: Partial<Record<string, SQL>> = values;
  const list = Object.entries(getTableColumns(table)).map(([field, column]: [string, Column]) => {
    const given = named[field];
    if (given) return given;
    if (column.default === undefined || column.default === null) return sql`null`;
    return is(column.default, SQL) ? column.default : sql.param(column.default, column);
  });
  return sql.join(list, sql`, `);
}

/*
 * The drain. Conditions spell `status = 'queued' and send_after is not null` literally, so SQLite can use the
 * partial index messages_pending_idx (a bound parameter would not match the index's WHERE).
 */
const pending = sql`${messages.status} = 'queued' and ${messages.sendAfter} is not null`;

/** Queued API texts of this number whose time has come, oldest first, with the phone they go to. */
export async function dueQueued(db: Db, numberId: number, now: number, limit: number) {
  return db
    .select({ message: messages, phone: conversations.phone })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.numberId, numberId), pending, sql`${messages.sendAfter} <= ${now}`))
    .orderBy(messages.sendAfter, messages.id)
    .limit(limit);
}

/** When the next queued API text of this number falls due, or null when none is waiting. */
export async function nextDueAt(db: Db, numberId: number): Promise<number | null> {
  const [row] = await db
    .select({ at: sql<number | null>`min(${messages.sendAfter})` })
    .from(messages)
    .where(and(eq(messages.numberId, numberId), pending));
  return row?.at ?? null;
}

/** Numbers with queued texts due before `before`: the hourly cron re-arms their drains should an alarm be lost. */
export async function numbersWithOverdue(db: Db, before: number) {
  const rows = await db
    .selectDistinct({ numberId: messages.numberId })
    .from(messages)
    .where(and(pending, sql`${messages.sendAfter} <= ${before}`));
  return rows.map((r) => r.numberId);
}

/**
 * Takes a queued text for sending by clearing its send_after: from then on it is an ordinary in-flight send
 * (status still `queued`, so the carrier's own "queued" answer can record the carrier id), and no later drain
 * can pick it up again. Undefined if someone else already took it.
 */
export async function claimQueued(db: Db, id: number, now: number) {
  const [row] = await db
    .update(messages)
    .set({ sendAfter: null, updatedAt: now })
    .where(and(eq(messages.id, id), pending))
    .returning();
  // The conversation moves up the queue when the text goes out, not when it was accepted (maybe hours before).
  // Every send gets its audit row, as staff texts do (insertOutbound); the batch itself has one too.
  if (row) {
    await db.batch([
      bumpConversation(db, row.conversationId, row.body, now, row.kind),
      auditInsert(
        db,
        {
          orgId: row.orgId,
          // A staff member's send-later text is theirs; a practice-system text has no user.
          userId: row.authorUserId,
          action: "message.send",
          targetType: "message",
          targetId: row.id,
          detail: {
            kind: row.kind,
            numberId: row.numberId,
            via: row.authorUserId === null ? "api" : "scheduled",
          },
        },
        now,
      ),
    ]);
  }
  return row;
}

/** Gives up on a queued text that may no longer go out (the phone opted out while it waited). */
export async function failQueued(db: Db, id: number, error: { code: string; reason: string }, now: number) {
  const [row] = await db
    .update(messages)
    .set({ status: "failed", errorCode: error.code, errorReason: error.reason, updatedAt: now })
    .where(and(eq(messages.id, id), pending))
    .returning();
  return row;
}

/**
 * Gives up on a text the drain claimed (send_after cleared) but could not go on sending, e.g. because the
 * claim's audit batch failed. A claim that never happened leaves send_after set: that row stays pending and
 * the next drain takes it, so this only ever fails a text that no carrier was asked to send.
 */
export async function failClaimed(db: Db, id: number, error: { code: string; reason: string }, now: number) {
  const [row] = await db
    .update(messages)
    .set({ status: "failed", errorCode: error.code, errorReason: error.reason, updatedAt: now })
    .where(and(eq(messages.id, id), eq(messages.status, "queued"), isNull(messages.sendAfter)))
    .returning();
  return row;
}

/** Holds a queued text until `sendAfter` (a campaign text that came due outside quiet hours). */
export async function deferQueued(db: Db, id: number, sendAfter: number) {
  await db
    .update(messages)
    .set({ sendAfter })
    .where(and(eq(messages.id, id), pending));
}

/** One message of the practice with the numbers it travels between, for GET /api/v1/messages/:id. */
export async function getOrgMessage(db: Db, orgId: number, id: number) {
  const [row] = await db
    .select({
      message: messages,
      patientPhone: conversations.phone,
      clinicPhone: clinicNumbers.e164,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(clinicNumbers, eq(clinicNumbers.id, messages.numberId))
    // Internal notes and event lines are the front desk's own: the practice system never sees them (404).
    .where(and(eq(messages.id, id), eq(messages.orgId, orgId), ne(messages.direction, "internal")))
    .limit(1);
  return row;
}
