import { and, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  clinicNumbers,
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
 * The conversation bump and the audit row are a second step (noteOutboundStored), so the caller can mark
 * the stored row failed when that step fails instead of leaving it queued.
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
  if (created) return { message: created, created: true };
  if (!row.idempotencyKey) throw new Error("outbound insert returned no row");
  const earlier = await db.query.messages.findFirst({
    where: and(eq(messages.numberId, number.id), eq(messages.idempotencyKey, row.idempotencyKey)),
  });
  if (!earlier) throw new Error("idempotency conflict without a row");
  return { message: earlier, created: false };
}

/** The second step of insertOutbound: the conversation moves up the queue, and the send is audited. */
export async function noteOutboundStored(db: Db, message: Message, now: number, preview = message.body) {
  await db.batch([
    bumpConversation(db, message.conversationId, preview, now, message.kind),
    auditInsert(
      db,
      {
        orgId: message.orgId,
        userId: message.authorUserId,
        action: "message.send",
        targetType: "message",
        targetId: message.id,
        detail: { kind: message.kind, numberId: message.numberId },
      },
      now,
    ),
  ]);
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
    .where(
      and(
        eq(conversations.numberId, numberId),
        eq(conversations.phone, phone),
        // What the phone got: never internal rows, a withdrawn send-later text, or one still waiting its time.
        sql`${messages.direction} != 'internal' and ${messages.status} != 'cancelled' and ${messages.sendAfter} is null`,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(limit);
  return rows.reverse();
}

/** Moves a conversation to the top of the queue with this text as its preview (outbound: read state stays). */
export function bumpConversation(
  db: Db,
  conversationId: number,
  body: string,
  now: number,
  kind?: MessageKind,
) {
  // A staff text to the patient answers whatever needed attention (messaging/reminder-replies.ts).
  const answered = kind === "reply" || kind === "direct";
  return db
    .update(conversations)
    .set({
      lastMessageAt: now,
      lastMessagePreview: previewOf(body),
      ...(answered ? { needsAttention: false } : {}),
    })
    .where(eq(conversations.id, conversationId));
}

/**
 * Outbound texts in flight (`queued` or `sending`) that nothing has touched since `before`: a send that died
 * between storing its row and recording the carrier's answer, or whose callbacks never came. Texts the
 * practice-system API queued still carry `send_after` until the drain claims them (they wait for their time,
 * quiet hours or the drain, which rearmOverdueDrains restarts), so they are left out. Oldest first, with the
 * clinic number (so the sweeper can ask its carrier) and the phone (to record a carrier's opt-out). No index covers this: it reads the messages kept within
 * the queue's retention window once an hour.
 */
export async function stuckOutbound(db: Db, before: number, limit: number) {
  return db
    .select({ message: messages, number: clinicNumbers, phone: conversations.phone })
    .from(messages)
    .innerJoin(clinicNumbers, eq(clinicNumbers.id, messages.numberId))
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(
      and(
        eq(messages.direction, "out"),
        inArray(messages.status, ["queued", "sending"]),
        isNull(messages.sendAfter),
        lt(messages.updatedAt, before),
      ),
    )
    .orderBy(messages.updatedAt, messages.id)
    .limit(limit);
}

/**
 * Settles a stuck text, only if nothing moved it since the sweeper read it (`seenUpdatedAt`) and only
 * forward (shared/status.ts): a status callback or a late send result arriving meanwhile wins.
 */
export async function settleStuck(
  db: Db,
  ref: { id: number; seenUpdatedAt: number },
  result: { status: MessageStatus; errorCode: string | null; errorReason: string | null },
  now: number,
): Promise<Message | undefined> {
  const below = statusesBelow(result.status);
  if (below.length === 0) return undefined;
  const [updated] = await db
    .update(messages)
    .set({ ...result, updatedAt: now })
    .where(
      and(
        eq(messages.id, ref.id),
        eq(messages.direction, "out"),
        inArray(messages.status, below),
        eq(messages.updatedAt, ref.seenUpdatedAt),
      ),
    )
    .returning();
  return updated;
}
