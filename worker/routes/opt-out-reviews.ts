/**
 * @module Staff decide a possible opt-out (domain/keywords.ts): "Opt out this phone" or "Not an opt-out".
 * Mounted beside the conversation routes, so it is a staff route scoped like them.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import { decideOptOutReview, findReview } from "../db/queries/opt-out-reviews";
import { OPT_OUT_REVIEW_DECISIONS } from "../db/schema";
import { OPT_OUT_CONFIRMATION } from "../domain/keywords";
import { conflict, describeError, notFound } from "../lib/errors";
import { idParam } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";
import { viewerOf } from "../middleware/session";
import { scheduleDrain } from "../messaging/outbound-drain";
import { publishOptOut } from "../messaging/live";
import { sendText } from "../messaging/send-text";
import { visibleConversation } from "./queue";

const decisionBody = z.strictObject({
  messageId: z.number().int().positive(),
  decision: z.enum(OPT_OUT_REVIEW_DECISIONS),
});

/**
 * The FCC allows one confirmation of a revocation, sent within five minutes of it (47 CFR 64.1200(a)(12)):
 * a decision made later records the opt-out without texting the patient.
 */
export const CONFIRMATION_WINDOW_MS = 5 * 60_000;

export const optOutReviewRoutes = new Hono<StaffEnv>().post(
  "/:id/opt-out-review",
  describeRoute({
    tags: ["queue"],
    summary: "Decide whether a text that may be an opt-out is one (opt_out or not_opt_out), audited",
    responses: {
      200: { description: "The decision, who made it and when" },
      404: { description: "No such conversation, or the message is not a possible opt-out in it" },
      409: { description: "Someone already decided it" },
    },
  }),
  limitBody(1024),
  validate("param", idParam),
  validate("json", decisionBody),
  async (c) => {
    const db = c.get("db");
    const session = c.get("session");
    const conversation = await visibleConversation(db, viewerOf(session), c.req.valid("param").id);
    const { messageId, decision } = c.req.valid("json");
    const review = await findReview(db, {
      numberId: conversation.numberId,
      phone: conversation.phone,
      messageId,
    });
    if (!review) throw notFound("Possible opt-out");
    const now = Date.now();
    const decided =
      review.decision === null &&
      (await decideOptOutReview(db, {
        review,
        conversationId: conversation.id,
        decision,
        userId: session.user.id,
        now,
      }));
    if (!decided) throw conflict("Someone already decided this text.", "already_decided");
    const { numberId, phone } = conversation;
    const followUp = async () => {
      if (decision === "opt_out") {
        await publishOptOut(c.env, db, { numberId, phone, optedOut: true, changedAt: now });
        if (now - review.createdAt <= CONFIRMATION_WINDOW_MS) {
          await sendText(
            {
              db,
              env: c.env,
              numberId,
              phone,
              body: OPT_OUT_CONFIRMATION,
              kind: "auto_reply",
              authorUserId: null,
              // The same key the inbound pipeline uses: one confirmation per text, whoever sends it.
              idempotencyKey: `auto:${review.messageId}`,
            },
            { optOutConfirmation: true },
          );
        }
      }
      // Held campaign texts fell due in the decision's batch: the drain sends them, or fails them if opted out.
      await scheduleDrain(c.env, numberId, now);
    };
    c.executionCtx.waitUntil(
      followUp().catch((error: unknown) => {
        console.error("opt-out review follow-up failed:", describeError(error));
      }),
    );
    return c.json(
      {
        review: {
          messageId,
          keyword: review.keyword,
          decision,
          decidedBy: session.user.name,
          decidedAt: now,
        },
      },
      200,
    );
  },
);
