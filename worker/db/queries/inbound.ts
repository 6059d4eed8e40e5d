import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import {
  auditLog,
  carrierEvents,
  conversations,
  messages,
  optOutEvents,
  optOuts,
  type Carrier,
  type ClinicNumber,
  type Message,
} from "../schema";
import type { KeywordMatch } from "../../domain/keywords";

export type InboundRow = {
  number: ClinicNumber;
  carrier: Carrier;
  carrierMessageId: string;
  phone: string;
  body: string;
  segments: number;
  encoding: "GSM-7" | "UCS-2";
  eventId: string | null;
  /** STOP or START: the opt-out state changes in the same batch as the message, so neither is ever lost. */
  keyword: KeywordMatch | null;
  now: number;
};

export const PREVIEW_LENGTH = 120;

/**
 * Stores one inbound text in ONE D1 batch (one transaction): the event id, the conversation, the message,
 * the conversation's preview and unread flag, and an opt-out or opt-in. The message insert is
 * `ON CONFLICT DO NOTHING` on (carrier, carrier_message_id), so a webhook delivered twice, or twenty times at
 * once, stores one row. Later statements must only act when THIS request inserted the row: the row carries
 * a random per-request nonce in idempotency_key (unused for inbound texts otherwise), and they test for it.
 * Returns the new message, or null when it was a duplicate.
 */
export async function storeInbound(db: Db, row: InboundRow): Promise<Message | null> {
  const nonce = `in:${crypto.randomUUID()}`;
  const { number, phone, now } = row;
  const inserted = sql`exists (select 1 from messages where number_id = ${number.id} and idempotency_key = ${nonce})`;
  const [first, ...rest] = [
    ...(row.eventId
      ? [
          db
            .insert(carrierEvents)
            .values({ carrier: row.carrier, eventId: row.eventId, receivedAt: now })
            .onConflictDoNothing(),
        ]
      : []),
    db
      .insert(conversations)
      .values({ orgId: number.orgId, numberId: number.id, phone, lastMessageAt: now, createdAt: now })
      .onConflictDoNothing({ target: [conversations.numberId, conversations.phone] }),
    db
      .insert(messages)
      .values({
        orgId: number.orgId,
        numberId: number.id,
        conversationId: sql`(select id from conversations where number_id = ${number.id} and phone = ${phone})`,
        direction: "in",
        kind: "reply",
        body: row.body,
        status: "received",
        carrier: row.carrier,
        carrierMessageId: row.carrierMessageId,
        segments: row.segments,
        encoding: row.encoding,
        idempotencyKey: nonce,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: [messages.carrier, messages.carrierMessageId] }),
    db
      .update(conversations)
      .set({ lastMessageAt: now, lastMessagePreview: row.body.slice(0, PREVIEW_LENGTH), unread: true })
      .where(and(eq(conversations.numberId, number.id), eq(conversations.phone, phone), inserted)),
    ...optOutStatements(db, row, nonce, inserted),
  ];
  if (!first) throw new Error("empty batch");
  await db.batch([first, ...rest]);
  const stored = await db.query.messages.findFirst({
    where: and(eq(messages.numberId, number.id), eq(messages.idempotencyKey, nonce)),
  });
  return stored ?? null;
}

/**
 * An opt-out always records (a repeated STOP is still a revocation); an opt-in only when the phone is
 * opted out, so "Yes" to an appointment question is not logged as re-consent. History and audit are written
 * before the state row, so their condition sees the state as it was.
 */
function optOutStatements(db: Db, row: InboundRow, nonce: string, inserted: SQL) {
  const k = row.keyword;
  if (!k || k.action === "help") return [];
  const { number, phone, now } = row;
  const optedOut = k.action === "opt_out" ? 1 : 0;
  const applies =
    k.action === "opt_out"
      ? inserted
      : sql`${inserted} and exists (select 1 from opt_outs where number_id = ${number.id} and phone = ${phone} and opted_out = 1)`;
  const messageId = sql`(select id from messages where number_id = ${number.id} and idempotency_key = ${nonce})`;
  const action = k.action === "opt_out" ? "opt_out.inbound" : "opt_in.inbound";
  // insert ... select ... where: drizzle lists every column in table order, so the selects do too.
  return [
    db
      .insert(optOutEvents)
      .select(
        sql`select null, ${number.orgId}, ${number.id}, ${phone}, ${optedOut}, ${k.keyword}, ${messageId}, ${now} where ${applies}`,
      ),
    db
      .insert(auditLog)
      .select(
        sql`select null, ${number.orgId}, null, ${action}, 'clinic_number', ${String(number.id)}, ${JSON.stringify({ keyword: k.keyword })}, ${now} where ${applies}`,
      ),
    db
      .insert(optOuts)
      .select(sql`select ${number.id}, ${phone}, ${optedOut}, ${k.keyword}, ${now} where ${applies}`)
      .onConflictDoUpdate({
        target: [optOuts.numberId, optOuts.phone],
        set: {
          optedOut: sql`excluded.opted_out`,
          keyword: sql`excluded.keyword`,
          changedAt: sql`excluded.changed_at`,
        },
      }),
  ];
}
