import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  conversations,
  messages,
  type Carrier,
  type ClinicNumber,
  type Message,
  type MessageKind,
  type MessageStatus,
} from "../schema";
import { statusesBelow } from "../../shared/status";
import { auditInsert } from "./audit";
import { previewOf } from "../../shared/preview";

export type OutboundRow = {
  number: ClinicNumber;
  phone: string;
  body: string;
  kind: MessageKind;
  segments: number;
  encoding: "GSM-7" | "UCS-2";
  authorUserId: number | null;
  idempotencyKey: string | null;
  now: number;
};

/**
 * Stores an outbound text as `queued` before any carrier is called, so a crash mid-send leaves a visible row
 * instead of a text nobody knows about. Returns `created: false` with the earlier row when the idempotency
 * key was already used on this number (a double click, a retried request): that text is never sent twice.
 */
export async function insertOutbound(
  db: Db,
  row: OutboundRow,
): Promise<{ message: Message; created: boolean }> {
  const { number, phone, now } = row;
  const [, inserted] = await db.batch([
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
        direction: "out",
        kind: row.kind,
        body: row.body,
        status: "queued",
        carrier: number.carrier,
        segments: row.segments,
        encoding: row.encoding,
        authorUserId: row.authorUserId,
        idempotencyKey: row.idempotencyKey,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: [messages.numberId, messages.idempotencyKey] })
      .returning(),
  ]);
  const created = inserted[0];
  if (created) {
    await db.batch([
      bumpConversation(db, created.conversationId, row.body, now),
      auditInsert(
        db,
        {
          orgId: number.orgId,
          userId: row.authorUserId,
          action: "message.send",
          targetType: "message",
          targetId: created.id,
          detail: { kind: row.kind, numberId: number.id },
        },
        now,
      ),
    ]);
    return { message: created, created: true };
  }
  if (!row.idempotencyKey) throw new Error("outbound insert returned no row");
  const earlier = await db.query.messages.findFirst({
    where: and(eq(messages.numberId, number.id), eq(messages.idempotencyKey, row.idempotencyKey)),
  });
  if (!earlier) throw new Error("idempotency conflict without a row");
  return { message: earlier, created: false };
}

/** Records what the carrier said to our send request. */
export async function recordSendResult(
  db: Db,
  id: number,
  result: {
    status: MessageStatus;
    carrierMessageId: string | null;
    errorCode: string | null;
    errorReason: string | null;
  },
  now: number,
): Promise<Message | undefined> {
  const [updated] = await db
    .update(messages)
    .set({
      status: result.status,
      // A status callback may have arrived first and set the id already (see adoptCarrierId).
      carrierMessageId: sql`coalesce(${messages.carrierMessageId}, ${result.carrierMessageId})`,
      errorCode: result.errorCode,
      errorReason: result.errorReason,
      updatedAt: now,
    })
    .where(and(eq(messages.id, id), inArray(messages.status, [...statusesBelow(result.status), "queued"])))
    .returning();
  return updated;
}

/**
 * Moves an outbound message's status forward, never back (shared/status.ts). Returns the updated row, or
 * undefined when the message is unknown or already at or past that status: both are answered 200 and ignored.
 */
export async function advanceStatus(
  db: Db,
  report: {
    numberId: number;
    carrier: Carrier;
    carrierMessageId: string;
    status: MessageStatus;
    errorCode: string | null;
    errorReason: string | null;
  },
  now: number,
): Promise<Message | undefined> {
  const below = statusesBelow(report.status);
  if (below.length === 0) return undefined;
  const [updated] = await db
    .update(messages)
    .set({
      status: report.status,
      errorCode: report.errorCode,
      errorReason: report.errorReason,
      updatedAt: now,
    })
    .where(
      and(
        eq(messages.numberId, report.numberId),
        eq(messages.carrier, report.carrier),
        eq(messages.carrierMessageId, report.carrierMessageId),
        eq(messages.direction, "out"),
        inArray(messages.status, below),
      ),
    )
    .returning();
  return updated;
}

/**
 * A send whose answer was lost (timeout) has no carrier id yet; Twilio's callback URL carries our id, so the
 * first callback adopts it. Only a row of that carrier, still without an id, can be adopted.
 */
export async function adoptCarrierId(
  db: Db,
  ref: { numberId: number; carrier: Carrier; id: number },
  carrierMessageId: string,
) {
  const { numberId, carrier, id } = ref;
  await db
    .update(messages)
    .set({ carrierMessageId })
    .where(
      and(
        eq(messages.id, id),
        eq(messages.numberId, numberId),
        eq(messages.carrier, carrier),
        eq(messages.direction, "out"),
        isNull(messages.carrierMessageId),
      ),
    );
}

/** The last texts between one phone and one clinic number, oldest first (the simulator's phone screen). */
export async function listPhoneThread(db: Db, numberId: number, phone: string, limit = 100) {
  const rows = await db
    .select({
      id: messages.id,
      direction: messages.direction,
      kind: messages.kind,
      body: messages.body,
      status: messages.status,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.numberId, numberId), eq(conversations.phone, phone)))
    .orderBy(desc(messages.id))
    .limit(limit);
  return rows.reverse();
}

/** Moves a conversation to the top of the queue with this text as its preview (outbound: read state stays). */
export function bumpConversation(db: Db, conversationId: number, body: string, now: number) {
  return db
    .update(conversations)
    .set({ lastMessageAt: now, lastMessagePreview: previewOf(body) })
    .where(eq(conversations.id, conversationId));
}
