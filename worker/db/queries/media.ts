import { and, asc, eq, gte, isNull, lt, lte, sql } from "drizzle-orm";
import type { Db } from "../client";
import { clinicNumbers, messageMedia, messages, type MessageMediaRow } from "../schema";
import { inJsonList } from "./chunked";

/** One inbound file as receive-webhook decided it: pending with its source, or already failed with a note. */
export type InboundMediaRow = {
  n: number;
  contentType: string;
  size: number | null;
  state: "pending" | "failed" | "stored";
  sourceUrl: string | null;
  carrierMediaId: string | null;
  note: string | null;
};

/**
 * The inbound batch's media statements: one insert per file, selecting the message this request inserted by
 * its nonce, so a duplicate webhook (no message inserted) inserts no file either.
 */
export function inboundMediaStatements(
  db: Db,
  at: { orgId: number; numberId: number; nonce: string; now: number },
  rows: readonly InboundMediaRow[],
) {
  return rows.map((r) =>
    db.insert(messageMedia).select(
      sql`select null, org_id, conversation_id, id, ${r.n}, ${r.contentType}, ${r.size}, ${r.state}, null, ${r.sourceUrl}, ${r.carrierMediaId}, 0, ${r.state === "pending" ? at.now : null}, ${r.note}, null, null, ${at.now}
          from messages where number_id = ${at.numberId} and idempotency_key = ${at.nonce}`,
    ),
  );
}

/** Every file of these messages, by message id, in order. */
export async function mediaByMessage(
  db: Db,
  messageIds: readonly number[],
): Promise<Map<number, MessageMediaRow[]>> {
  const out = new Map<number, MessageMediaRow[]>();
  if (messageIds.length === 0) return out;
  const rows = await db
    .select()
    .from(messageMedia)
    .where(inJsonList(messageMedia.messageId, messageIds))
    .orderBy(asc(messageMedia.messageId), asc(messageMedia.n));
  for (const row of rows) {
    if (row.messageId === null) continue;
    const list = out.get(row.messageId) ?? [];
    list.push(row);
    out.set(row.messageId, list);
  }
  return out;
}

export async function mediaOfMessage(db: Db, messageId: number): Promise<MessageMediaRow[]> {
  return db
    .select()
    .from(messageMedia)
    .where(eq(messageMedia.messageId, messageId))
    .orderBy(asc(messageMedia.n));
}

/** One file with its message, for a route that checks who may see it. */
export async function getMessageFile(db: Db, messageId: number, n: number) {
  const [row] = await db
    .select({ media: messageMedia, message: messages })
    .from(messageMedia)
    .innerJoin(messages, eq(messages.id, messageMedia.messageId))
    .where(and(eq(messageMedia.messageId, messageId), eq(messageMedia.n, n)))
    .limit(1);
  return row;
}

export async function getMediaById(db: Db, id: number): Promise<MessageMediaRow | undefined> {
  const [row] = await db.select().from(messageMedia).where(eq(messageMedia.id, id)).limit(1);
  return row;
}

export async function markMediaStored(
  db: Db,
  id: number,
  stored: { contentType: string; size: number; r2Key: string },
) {
  await db
    .update(messageMedia)
    .set({ ...stored, state: "stored", sourceUrl: null, nextAttemptAt: null, note: null })
    .where(and(eq(messageMedia.id, id), eq(messageMedia.state, "pending")));
}

/** Refused for good (too big, not its type, off the carrier's host) or out of retries. */
export async function markMediaFailed(db: Db, id: number, note: string, attempts?: number) {
  await db
    .update(messageMedia)
    .set({ state: "failed", note, sourceUrl: null, nextAttemptAt: null, ...(attempts ? { attempts } : {}) })
    .where(and(eq(messageMedia.id, id), eq(messageMedia.state, "pending")));
}

export async function scheduleMediaRetry(db: Db, id: number, attempts: number, nextAttemptAt: number) {
  await db
    .update(messageMedia)
    .set({ attempts, nextAttemptAt })
    .where(and(eq(messageMedia.id, id), eq(messageMedia.state, "pending")));
}

/** Pending inbound files whose retry is due, oldest first, with their clinic number (for credentials). */
export async function dueMedia(db: Db, now: number, limit: number) {
  return db
    .select({ media: messageMedia, message: messages, number: clinicNumbers })
    .from(messageMedia)
    .innerJoin(messages, eq(messages.id, messageMedia.messageId))
    .innerJoin(clinicNumbers, eq(clinicNumbers.id, messages.numberId))
    .where(and(eq(messageMedia.state, "pending"), lte(messageMedia.nextAttemptAt, now)))
    .orderBy(asc(messageMedia.nextAttemptAt))
    .limit(limit);
}

export async function insertUpload(
  db: Db,
  row: {
    orgId: number;
    conversationId: number;
    uploadId: string;
    contentType: string;
    size: number;
    r2Key: string;
    uploadedBy: number;
    now: number;
  },
) {
  await db.insert(messageMedia).values({
    orgId: row.orgId,
    conversationId: row.conversationId,
    messageId: null,
    n: 0,
    contentType: row.contentType,
    size: row.size,
    state: "stored",
    r2Key: row.r2Key,
    uploadId: row.uploadId,
    uploadedBy: row.uploadedBy,
    createdAt: row.now,
  });
}

/** The unsent uploads among these ids that belong to this conversation and this practice. */
export async function unsentUploads(
  db: Db,
  at: { orgId: number; conversationId: number },
  uploadIds: readonly string[],
): Promise<MessageMediaRow[]> {
  return db
    .select()
    .from(messageMedia)
    .where(
      and(
        eq(messageMedia.orgId, at.orgId),
        eq(messageMedia.conversationId, at.conversationId),
        isNull(messageMedia.messageId),
        inJsonList(messageMedia.uploadId, uploadIds),
      ),
    );
}

/**
 * Gives the uploads to the message that sends them, in the order given, each only if still unsent: a second
 * reply that names the same upload claims nothing. Returns the rows claimed.
 */
export async function claimUploads(
  db: Db,
  messageId: number,
  uploadIds: readonly string[],
): Promise<MessageMediaRow[]> {
  const [first, ...rest] = uploadIds.map((uploadId, n) =>
    db
      .update(messageMedia)
      .set({ messageId, n })
      .where(and(eq(messageMedia.uploadId, uploadId), isNull(messageMedia.messageId)))
      .returning(),
  );
  if (!first) return [];
  const results = await db.batch([first, ...rest]);
  return results.flat().sort((a, b) => a.n - b.n);
}

/** Uploads never sent, older than `before`: the cron removes them and their R2 objects. */
export async function staleUploads(db: Db, before: number, limit: number) {
  return db
    .select({ id: messageMedia.id, r2Key: messageMedia.r2Key })
    .from(messageMedia)
    .where(and(isNull(messageMedia.messageId), lt(messageMedia.createdAt, before)))
    .limit(limit);
}

export async function deleteMediaRows(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return;
  await db.delete(messageMedia).where(inJsonList(messageMedia.id, ids));
}

/**
 * Every file of the live messages of an export's scope (a conversation, or a number's [from, to)), by message
 * id: one query, held for the export's length (files are few next to messages).
 */
export async function mediaInScope(
  db: Db,
  scope:
    | { kind: "conversation"; conversationId: number }
    | { kind: "range"; numberId: number; from: number; to: number },
): Promise<Map<number, MessageMediaRow[]>> {
  const rows = await db
    .select({ media: messageMedia })
    .from(messageMedia)
    .innerJoin(messages, eq(messages.id, messageMedia.messageId))
    .where(
      scope.kind === "conversation"
        ? eq(messages.conversationId, scope.conversationId)
        : and(
            eq(messages.numberId, scope.numberId),
            gte(messages.createdAt, scope.from),
            lt(messages.createdAt, scope.to),
          ),
    )
    .orderBy(asc(messageMedia.messageId), asc(messageMedia.n));
  const out = new Map<number, MessageMediaRow[]>();
  for (const { media } of rows) {
    if (media.messageId === null) continue;
    const list = out.get(media.messageId) ?? [];
    list.push(media);
    out.set(media.messageId, list);
  }
  return out;
}
