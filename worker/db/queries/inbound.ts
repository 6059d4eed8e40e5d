import { and, eq, getTableColumns, is, isNull, sql, SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../client";
import {
  auditLog,
  carrierEvents,
  clinicNumbers,
  conversations,
  liveEvents,
  messages,
  optOutEvents,
  optOutReviews,
  type Carrier,
  type ClinicNumber,
  type Message,
} from "../schema";
import type { KeywordMatch } from "../../domain/keywords";
import { previewOf } from "../../shared/preview";
import type { LiveEvent } from "../../shared/live-protocol";
import { rowToLiveEvent, type NewLiveEvent } from "./live-events";
import { setOptOutWhere } from "./opt-outs";
import { inboundMediaStatements, type InboundMediaRow } from "./media";
import { PHOTO_PREVIEW } from "../../shared/media";
import { mediaFileName } from "../../messaging/media";
import { isClosed } from "./conversations";
import { remindersAwaiting } from "./reminders";
import { cancelOnReplyWaiting } from "./scheduled";

export type InboundRow = {
  /**
   * The number as the signature was checked (possibly from the isolate's cache): nothing is stored unless
   * the number still exists with this id, E.164, carrier and credentials ciphertext.
   */
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
  /** The opt-out word of a text that may be an opt-out: a review waits for staff, stored with the message. */
  possibleOptOut: string | null;
  /** Its photos and files, pending or already refused (messaging/media-copy.ts planInboundMedia). */
  media: readonly InboundMediaRow[];
  now: number;
};

/**
 * What the conversation had waiting when the text was stored, read in the same batch, so that each follow-up
 * that has nothing to do costs no round trip: most patient texts reopen nothing, withdraw nothing and answer
 * no reminder (the ingest bench counted three such reads per webhook before).
 */
export type Waiting = {
  /** Done or snoozed: the text reopens it. */
  closed: boolean;
  /** A send-later text that a patient's reply withdraws (queries/scheduled.ts). */
  cancelOnReply: boolean;
  /** A reminder the text may answer (queries/reminders.ts). */
  reminders: boolean;
};

export type StoredInbound =
  /** `number` is its row as read in the same transaction: the follow-ups read their settings from it. */
  | { kind: "stored"; message: Message; live: LiveEvent; number: ClinicNumber; waiting: Waiting }
  | { kind: "duplicate"; number: ClinicNumber }
  /** Removed, or its carrier or credentials changed since `row.number` was read: nothing was written. */
  | { kind: "number-changed" };

/**
 * The number as the caller knows it still stands: same id, E.164, carrier and credentials ciphertext (a
 * rotated token or another account re-encrypts it). Numbers are deleted, not deactivated: no row, no match.
 */
function numberStillCurrent(number: ClinicNumber, carrier: Carrier): SQL {
  const condition = and(
    eq(clinicNumbers.id, number.id),
    eq(clinicNumbers.e164, number.e164),
    eq(clinicNumbers.carrier, carrier),
    number.credentialsCiphertext === null
      ? isNull(clinicNumbers.credentialsCiphertext)
      : eq(clinicNumbers.credentialsCiphertext, number.credentialsCiphertext),
  );
  if (!condition) throw new Error("unreachable: and() of conditions");
  return condition;
}

/**
 * `select <a values() row> from clinic_numbers where <condition>`: the row of an `insert ... values`, made
 * conditional. Every column in table order, as drizzle's insert-select requires, with the table's defaults
 * for the ones not given (as values() fills them), so a column added later needs no change here.
 */
function rowWhere<T extends SQLiteTable>(
  table: T,
  row: { [K in keyof T["$inferInsert"]]: T["$inferInsert"][K] | SQL },
  condition: SQL,
): SQL {
  const given: Record<string, unknown> = row;
  const columns = Object.entries(getTableColumns(table)).flatMap(([key, column]) => {
    if (column.generated !== undefined && column.generated.type !== "byDefault") return [];
    const value = given[key];
    if (value !== undefined) return [is(value, SQL) ? value : sql.param(value, column)];
    const fallback: unknown = column.default ?? column.defaultFn?.();
    if (fallback === undefined) return [sql`null`];
    return [is(fallback, SQL) ? fallback : sql.param(fallback, column)];
  });
  return sql`select ${sql.join(columns, sql`, `)} from ${clinicNumbers} where ${condition}`;
}

/**
 * Stores one inbound text in ONE D1 batch (one transaction), only while the number is still current
 * (numberStillCurrent: every insert selects from clinic_numbers under that condition, and the batch reads
 * the number's row back for the follow-ups, in the same round trip): the event id, the conversation, the message,
 * its live event (so the fan-out after the answer is one Durable Object call, with no D1 round trip), the
 * conversation's preview and unread flag, its photos' rows (pending: copied after the answer), and an
 * opt-out or opt-in. The message insert is
 * `ON CONFLICT DO NOTHING` on (carrier, carrier_message_id), so a webhook delivered twice, or twenty times at
 * once, stores one row. Later statements must only act when THIS request inserted the row: the row carries
 * a random per-request nonce in idempotency_key (unused for inbound texts otherwise), and they test for it.
 * Returns the new message and its live event, a duplicate, or that the number changed (nothing written).
 */
export async function storeInbound(db: Db, row: InboundRow): Promise<StoredInbound> {
  const nonce = `in:${crypto.randomUUID()}`;
  const { number, phone, now } = row;
  const current = numberStillCurrent(number, row.carrier);
  const inserted = sql`exists (select 1 from messages where number_id = ${number.id} and idempotency_key = ${nonce})`;
  const conversation = db
    .insert(conversations)
    .select(
      rowWhere(
        conversations,
        { orgId: number.orgId, numberId: number.id, phone, lastMessageAt: now, createdAt: now },
        current,
      ),
    )
    .onConflictDoNothing({ target: [conversations.numberId, conversations.phone] });
  // RETURNING on a DO-NOTHING insert yields the row only when this request inserted it: the answer to
  // "new or duplicate" comes back with the batch, saving a read-back round trip on every webhook.
  const message = db
    .insert(messages)
    .select(
      rowWhere(
        messages,
        {
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
        },
        current,
      ),
    )
    .onConflictDoNothing({ target: [messages.carrier, messages.carrierMessageId] })
    .returning();
  // The live event as the protocol types it; only the ids, unknown until the insert, are filled in by SQL.
  const template = {
    type: "message",
    numberId: number.id,
    conversationId: 0,
    message: {
      id: 0,
      conversationId: 0,
      direction: "in",
      kind: "reply",
      body: row.body,
      status: "received",
      errorCode: null,
      errorReason: null,
      segments: row.segments,
      encoding: row.encoding,
      authorUserId: null,
      authorName: null,
      sendAfter: null,
      cancelOnReply: false,
      appointment: null,
      appointmentReply: null,
      createdAt: now,
      updatedAt: now,
      // No URLs yet: a file is served only once stored, and the event is sent again then.
      media: row.media.map((m) => ({
        n: m.n,
        contentType: m.contentType,
        size: m.size,
        fileName: mediaFileName(m.n, m.contentType),
        state: m.state,
        note: m.state === "failed" ? m.note : null,
        url: null,
      })),
    },
  } satisfies NewLiveEvent;
  const live = db
    .insert(liveEvents)
    .select(
      sql`select null, number_id, 'message', json_set(${JSON.stringify(template)}, '$.conversationId', conversation_id, '$.message.id', id, '$.message.conversationId', conversation_id), ${now}
        from messages where number_id = ${number.id} and idempotency_key = ${nonce}`,
    )
    .returning({ id: liveEvents.id, payload: liveEvents.payload });
  const conversationId = sql`conversations.id`;
  const waiting = db
    .select({
      closed: sql<number>`${isClosed}`,
      cancelOnReply: cancelOnReplyWaiting(conversationId),
      reminders: remindersAwaiting(conversationId, now),
    })
    .from(conversations)
    .where(and(eq(conversations.numberId, number.id), eq(conversations.phone, phone)));
  const [numberRows, , stored, event, waitingRows] = await db.batch([
    db.select().from(clinicNumbers).where(eq(clinicNumbers.id, number.id)),
    conversation,
    message,
    live,
    waiting,
    ...(row.eventId
      ? [
          db
            .insert(carrierEvents)
            .select(
              rowWhere(
                carrierEvents,
                { carrier: row.carrier, eventId: row.eventId, receivedAt: now },
                current,
              ),
            )
            .onConflictDoNothing(),
        ]
      : []),
    db
      .update(conversations)
      .set({
        lastMessageAt: now,
        lastMessagePreview: row.body === "" && row.media.length > 0 ? PHOTO_PREVIEW : previewOf(row.body),
        unread: true,
      })
      .where(and(eq(conversations.numberId, number.id), eq(conversations.phone, phone), inserted)),
    ...inboundMediaStatements(db, { orgId: number.orgId, numberId: number.id, nonce, now }, row.media),
    ...optOutStatements(db, row, nonce, inserted),
    ...reviewStatements(db, row, nonce),
  ]);
  const [inserted0] = stored;
  const [eventRow] = event;
  const [fresh] = numberRows;
  // The same test as numberStillCurrent, on the row read in the same transaction as the inserts.
  const unchanged =
    fresh !== undefined &&
    fresh.e164 === number.e164 &&
    fresh.carrier === row.carrier &&
    fresh.credentialsCiphertext === number.credentialsCiphertext;
  if (!unchanged) {
    if (inserted0) throw new Error("inbound message stored for a number that changed");
    return { kind: "number-changed" };
  }
  if (!inserted0) return { kind: "duplicate", number: fresh };
  if (!eventRow) throw new Error("inbound message stored without its live event");
  const [w] = waitingRows;
  return {
    kind: "stored",
    message: inserted0,
    live: rowToLiveEvent(eventRow),
    number: fresh,
    waiting: { closed: !!w?.closed, cancelOnReply: !!w?.cancelOnReply, reminders: !!w?.reminders },
  };
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
    setOptOutWhere(db, { numberId: number.id, phone, optedOut, keyword: k.keyword, now }, applies),
  ];
}

/** A possible opt-out waits for staff: one review row, only when this request stored the message. */
function reviewStatements(db: Db, row: InboundRow, nonce: string) {
  if (row.possibleOptOut === null) return [];
  const { number, phone, now } = row;
  return [
    db
      .insert(optOutReviews)
      .select(
        sql`select null, ${number.orgId}, ${number.id}, ${phone}, id, ${row.possibleOptOut}, ${now}, null, null, null
          from messages where number_id = ${number.id} and idempotency_key = ${nonce}`,
      )
      .onConflictDoNothing(),
  ];
}
