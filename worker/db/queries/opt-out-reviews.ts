/**
 * @module Possible opt-outs waiting for staff (domain/keywords.ts `possible-opt-out`). The row is written with
 * the inbound message (queries/inbound.ts); here are the reads that hold campaigns and the one decision.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  auditLog,
  messages,
  optOutEvents,
  optOutReviews,
  users,
  type OptOutReview,
  type OptOutReviewDecision,
} from "../schema";
import { setOptOutWhere } from "./opt-outs";

/** The phones among `phones` with an undecided review on this number: their campaign texts are held. */
export async function pendingReviewAmong(db: Db, numberId: number, phones: string[]): Promise<Set<string>> {
  const unique = [...new Set(phones)];
  if (unique.length === 0) return new Set();
  // One JSON parameter, read with json_each: a thousand recipients stay under D1's 100-parameter limit.
  const rows = await db
    .selectDistinct({ phone: optOutReviews.phone })
    .from(optOutReviews)
    .where(
      and(
        eq(optOutReviews.numberId, numberId),
        isNull(optOutReviews.decision),
        sql`${optOutReviews.phone} in (select value from json_each(${JSON.stringify(unique)}))`,
      ),
    );
  return new Set(rows.map((r) => r.phone));
}

export async function hasPendingReview(db: Db, numberId: number, phone: string): Promise<boolean> {
  return (await pendingReviewAmong(db, numberId, [phone])).has(phone);
}

/** Every review of a phone on a number, oldest first, with who decided it: for the thread. */
export async function listOptOutReviews(db: Db, numberId: number, phone: string) {
  return db
    .select({ review: optOutReviews, decidedByName: users.name })
    .from(optOutReviews)
    .leftJoin(users, eq(users.id, optOutReviews.decidedBy))
    .where(and(eq(optOutReviews.numberId, numberId), eq(optOutReviews.phone, phone)))
    .orderBy(asc(optOutReviews.id));
}

/** The review of one message in a conversation's number and phone, if that message was one. */
export async function findReview(
  db: Db,
  where: { numberId: number; phone: string; messageId: number },
): Promise<OptOutReview | undefined> {
  return db.query.optOutReviews.findFirst({
    where: and(
      eq(optOutReviews.numberId, where.numberId),
      eq(optOutReviews.phone, where.phone),
      eq(optOutReviews.messageId, where.messageId),
    ),
  });
}

/** Held campaign texts wait this long before the drain looks again: a decision releases them at once. */
export const REVIEW_RECHECK_MS = 60 * 60_000;

/**
 * Records a staff decision in ONE D1 batch. The first statement decides only an undecided review, and every
 * later one runs only when that update happened (the row now carries this decision, user and time), so two
 * people clicking at once record one decision. "opt_out" writes the opt-out state, its history row and the
 * audit entry as an inbound STOP does; "not_opt_out" writes the audit entry. Either way the phone's held
 * campaign texts fall due now, so the drain sends them or, opted out, fails them. Returns whether this call
 * decided it.
 */
export async function decideOptOutReview(
  db: Db,
  input: {
    review: OptOutReview;
    conversationId: number;
    decision: OptOutReviewDecision;
    userId: number;
    now: number;
  },
): Promise<boolean> {
  const { review, decision, userId, now } = input;
  const decidedHere = sql`exists (select 1 from opt_out_reviews where id = ${review.id} and decision = ${decision} and decided_by = ${userId} and decided_at = ${now})`;
  const keyword = `review:${review.keyword}`;
  const action = decision === "opt_out" ? "opt_out.review" : "opt_out_review.not_opt_out";
  const detail = JSON.stringify({ reviewId: review.id, messageId: review.messageId });
  const optOut =
    decision === "opt_out"
      ? [
          db
            .insert(optOutEvents)
            .select(
              sql`select null, ${review.orgId}, ${review.numberId}, ${review.phone}, 1, ${keyword}, ${review.messageId}, ${now} where ${decidedHere}`,
            ),
          setOptOutWhere(
            db,
            { numberId: review.numberId, phone: review.phone, optedOut: 1, keyword, now },
            decidedHere,
          ),
        ]
      : [];
  const [decided] = await db.batch([
    db
      .update(optOutReviews)
      .set({ decision, decidedBy: userId, decidedAt: now })
      .where(and(eq(optOutReviews.id, review.id), isNull(optOutReviews.decision)))
      .returning({ id: optOutReviews.id }),
    ...optOut,
    db
      .insert(auditLog)
      .select(
        sql`select null, ${review.orgId}, ${userId}, ${action}, 'clinic_number', ${String(review.numberId)}, ${detail}, ${now} where ${decidedHere}`,
      ),
    db
      .update(messages)
      .set({ sendAfter: now })
      .where(
        and(
          eq(messages.conversationId, input.conversationId),
          eq(messages.status, "queued"),
          eq(messages.kind, "campaign"),
          sql`${messages.sendAfter} > ${now}`,
          decidedHere,
        ),
      ),
  ]);
  return decided.length > 0;
}
