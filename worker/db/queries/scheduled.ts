/**
 * @module SQL of staff send-later texts: storing one as `queued` with its `send_after` (the number's drain
 * sends it, db/queries/outbound-batch.ts), editing and cancelling it while it still waits, withdrawing a
 * conversation's cancel-on-reply texts when the patient texts first, and the internal event line that says so.
 *
 * Every change is one conditional UPDATE on `status = 'queued' and send_after is not null`, the same condition
 * the drain's claim uses: whichever statement runs first wins, so a text is either edited/cancelled or sent,
 * never both, and never sent twice.
 */
import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { messages, type ClinicNumber, type Message } from "../schema";
import { auditInsert } from "./audit";

/** Spelled literally so SQLite can use the partial index messages_pending_idx. */
const pending = sql`${messages.status} = 'queued' and ${messages.sendAfter} is not null`;

/**
 * Whether a conversation (an SQL expression for its id) has a cancel-on-reply text still waiting: the inbound
 * batch reads it, so a patient's text costs the withdrawal's round trip only when there is one to withdraw.
 */
export function cancelOnReplyWaiting(conversationId: SQL): SQL<number> {
  // Table-qualified by hand: drizzle writes a bare column in a select list without its table.
  return sql<number>`exists (select 1 from messages where messages.conversation_id = ${conversationId} and messages.cancel_on_reply = 1 and ${pending})`;
}

export type ScheduledRow = {
  number: ClinicNumber;
  conversationId: number;
  body: string;
  segments: number;
  encoding: "GSM-7" | "UCS-2";
  authorUserId: number;
  idempotencyKey: string;
  sendAfter: number;
  cancelOnReply: boolean;
  now: number;
};

/**
 * Stores a send-later reply and its audit row in one batch. The conversation is not bumped now: it moves up
 * the queue when the text goes out (claimQueued). A repeat of the idempotency key returns the earlier row.
 */
export async function insertScheduled(
  db: Db,
  row: ScheduledRow,
): Promise<{ message: Message; created: boolean }> {
  const { number, now } = row;
  const [inserted] = await db
    .insert(messages)
    .values({
      orgId: number.orgId,
      numberId: number.id,
      conversationId: row.conversationId,
      direction: "out",
      kind: "reply",
      body: row.body,
      status: "queued",
      carrier: number.carrier,
      segments: row.segments,
      encoding: row.encoding,
      authorUserId: row.authorUserId,
      idempotencyKey: row.idempotencyKey,
      sendAfter: row.sendAfter,
      cancelOnReply: row.cancelOnReply,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: [messages.numberId, messages.idempotencyKey] })
    .returning();
  if (inserted) {
    await auditInsert(
      db,
      {
        orgId: number.orgId,
        userId: row.authorUserId,
        action: "message.schedule",
        targetType: "message",
        targetId: inserted.id,
        detail: { numberId: number.id, sendAfter: row.sendAfter, cancelOnReply: row.cancelOnReply },
      },
      now,
    );
    return { message: inserted, created: true };
  }
  const earlier = await db.query.messages.findFirst({
    where: and(eq(messages.numberId, number.id), eq(messages.idempotencyKey, row.idempotencyKey)),
  });
  if (!earlier) throw new Error("idempotency conflict without a row");
  return { message: earlier, created: false };
}

/** A staff text of this conversation that is (or was) scheduled, for edit and cancel. */
export async function getScheduledInConversation(db: Db, conversationId: number, id: number) {
  return db.query.messages.findFirst({
    where: and(
      eq(messages.id, id),
      eq(messages.conversationId, conversationId),
      eq(messages.direction, "out"),
    ),
  });
}

export type ScheduledChange = {
  body?: { text: string; segments: number; encoding: "GSM-7" | "UCS-2" };
  sendAfter?: number;
  cancelOnReply?: boolean;
};

/** Edits a text that still waits; undefined when it already went (or was cancelled). Audited in the batch. */
export async function updateScheduled(
  db: Db,
  ref: { id: number; orgId: number; userId: number },
  change: ScheduledChange,
  now: number,
): Promise<Message | undefined> {
  const [updated] = await db
    .update(messages)
    .set({
      ...(change.body
        ? { body: change.body.text, segments: change.body.segments, encoding: change.body.encoding }
        : {}),
      ...(change.sendAfter === undefined ? {} : { sendAfter: change.sendAfter }),
      ...(change.cancelOnReply === undefined ? {} : { cancelOnReply: change.cancelOnReply }),
      updatedAt: now,
    })
    .where(and(eq(messages.id, ref.id), pending))
    .returning();
  if (updated) {
    await auditInsert(
      db,
      {
        orgId: ref.orgId,
        userId: ref.userId,
        action: "message.schedule_edit",
        targetType: "message",
        targetId: ref.id,
        // Which fields changed, never the text.
        detail: {
          body: change.body !== undefined,
          sendAfter: change.sendAfter ?? null,
          cancelOnReply: change.cancelOnReply ?? null,
        },
      },
      now,
    );
  }
  return updated;
}

/** Withdraws a text that still waits (status `cancelled`); undefined when it already went. */
export async function cancelScheduled(
  db: Db,
  ref: { id: number; orgId: number; userId: number | null; reason: "staff" | "patient_texted" },
  now: number,
): Promise<Message | undefined> {
  const [cancelled] = await db
    .update(messages)
    .set({ status: "cancelled", sendAfter: null, updatedAt: now })
    .where(and(eq(messages.id, ref.id), pending))
    .returning();
  if (cancelled) {
    await auditInsert(
      db,
      {
        orgId: ref.orgId,
        userId: ref.userId,
        action: "message.schedule_cancel",
        targetType: "message",
        targetId: ref.id,
        detail: { reason: ref.reason },
      },
      now,
    );
  }
  return cancelled;
}

/**
 * The patient texted first: every waiting cancel-on-reply text of the conversation is withdrawn in one
 * statement, and one internal event line per text is stored (direction `internal`, kind `event`, status
 * `recorded`, never bumping the conversation). Returns the cancelled texts and their event lines.
 */
export async function cancelOnPatientReply(
  db: Db,
  conversationId: number,
  eventBody: string,
  now: number,
): Promise<{ cancelled: Message[]; events: Message[] }> {
  const cancelled = await db
    .update(messages)
    .set({ status: "cancelled", sendAfter: null, updatedAt: now })
    .where(and(eq(messages.conversationId, conversationId), eq(messages.cancelOnReply, true), pending))
    .returning();
  if (cancelled.length === 0) return { cancelled, events: [] };
  const lines = db
    .insert(messages)
    .values(
      cancelled.map((m) => ({
        orgId: m.orgId,
        numberId: m.numberId,
        conversationId,
        direction: "internal" as const,
        kind: "event" as const,
        body: eventBody,
        status: "recorded" as const,
        carrier: m.carrier,
        segments: 0,
        encoding: "GSM-7" as const,
        authorUserId: null,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .returning();
  const audits = cancelled.map((m) =>
    auditInsert(
      db,
      {
        orgId: m.orgId,
        userId: null,
        action: "message.schedule_cancel",
        targetType: "message",
        targetId: m.id,
        detail: { reason: "patient_texted" },
      },
      now,
    ),
  );
  const [events] = await db.batch([lines, ...audits]);
  return { cancelled, events };
}
