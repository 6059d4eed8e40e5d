/** @module SQL of the away reply (messaging/away-reply.ts): one per conversation per closed period. */
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../client";
import { conversations } from "../schema";

/**
 * Claims the conversation's away reply for the closed period that began at `periodStart`: true for at most
 * one caller, however many texts arrive at once, because the check and the write are one UPDATE.
 */
export async function claimAwayReply(db: Db, conversationId: number, periodStart: number, now: number) {
  const rows = await db
    .update(conversations)
    .set({ awayRepliedAt: now })
    .where(
      and(
        eq(conversations.id, conversationId),
        or(isNull(conversations.awayRepliedAt), lt(conversations.awayRepliedAt, periodStart)),
      ),
    )
    .returning({ id: conversations.id });
  return rows.length > 0;
}

/** Gives the claim back when the away text could not be stored, so the next text may try again. */
export async function releaseAwayReply(db: Db, conversationId: number, claimedAt: number) {
  await db
    .update(conversations)
    .set({ awayRepliedAt: null })
    .where(and(eq(conversations.id, conversationId), eq(conversations.awayRepliedAt, claimedAt)));
}

/** The conversation's phone and when it last got the away text. */
export async function awayStateOf(db: Db, conversationId: number) {
  return db.query.conversations.findFirst({
    where: eq(conversations.id, conversationId),
    columns: { id: true, phone: true, awayRepliedAt: true },
  });
}
