import { Hono, type Context } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import { findVisibleNumber } from "../db/queries/numbers";
import { getConversation } from "../db/queries/queue";
import type { Message } from "../db/schema";
import { notFound } from "../lib/errors";
import { messageBody } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";
import { viewerOf, type Session } from "../middleware/session";
import type { Db } from "../db/client";
import { cancelScheduledText, editScheduledText } from "../messaging/scheduled-texts";
import { TIME_PRESETS } from "../shared/team";

/**
 * The send-later fields of a reply (POST /api/conversations/:id/messages) and of an edit: a time in epoch
 * milliseconds, a wall time, or a preset; wall times and presets are resolved on the server with the
 * number's office hours and time zone, so the screen never redoes zone arithmetic.
 */
export const sendLaterFields = {
  sendAt: z.number().int().positive().optional(),
  preset: z.enum(TIME_PRESETS).optional(),
  /** A wall time ("2026-12-02T08:00", as a datetime-local field gives it) in the number's time zone. */
  sendAtLocal: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be "YYYY-MM-DDTHH:MM"')
    .optional(),
  /** Withdraw the text if the patient texts before it goes. On by default. */
  cancelOnReply: z.boolean().optional(),
};

const params = z.strictObject({
  id: z.coerce.number().int().positive(),
  messageId: z.coerce.number().int().positive(),
});
const editSchema = z.strictObject({ body: messageBody.min(1, "is empty").optional(), ...sendLaterFields });

async function visibleConversation(db: Db, session: Session, id: number) {
  const conversation = await getConversation(db, session.org.id, id);
  if (!conversation || !(await findVisibleNumber(db, viewerOf(session), conversation.numberId))) {
    throw notFound("Conversation");
  }
  return conversation;
}

/** The 409 of a stale screen: the text no longer waits. Names the text's id and where it stands. */
function noLongerWaiting(c: Context<StaffEnv>, message: Message) {
  const cancelled = message.status === "cancelled";
  return c.json(
    {
      error: {
        code: cancelled ? "already_cancelled" : "already_sent",
        message: cancelled
          ? "This scheduled text was already cancelled."
          : "This scheduled text already went out, so it can no longer be changed.",
      },
      messageId: message.id,
      status: message.status,
    },
    409,
  );
}

const conflictResponse = {
  409: {
    description:
      "The text no longer waits (already_sent, already_cancelled): `messageId` is the text, `status` where it stands",
  },
  404: { description: "No such conversation, or no staff send-later text with that id in it" },
} as const;

/** Editing and cancelling a staff send-later text while it waits (messaging/scheduled-texts.ts). */
export const scheduledRoutes = new Hono<StaffEnv>()
  .patch(
    "/:id/scheduled/:messageId",
    describeRoute({
      tags: ["messages"],
      summary: "Edit a scheduled text's body, time (sendAt or preset) or cancel-on-reply while it waits",
      responses: {
        200: { description: "The edited text" },
        400: { description: "A time in the past or more than 90 days ahead (send_at_past, send_at_too_far)" },
        ...conflictResponse,
      },
    }),
    limitBody(16 * 1024),
    validate("param", params),
    validate("json", editSchema),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const { id, messageId } = c.req.valid("param");
      const input = c.req.valid("json");
      const conversation = await visibleConversation(db, session, id);
      const outcome = await editScheduledText({
        db,
        env: c.env,
        session,
        conversation,
        id: messageId,
        body: input.body,
        sendLater: { sendAt: input.sendAt, preset: input.preset, sendAtLocal: input.sendAtLocal },
        cancelOnReply: input.cancelOnReply,
      });
      if (!outcome.ok) return noLongerWaiting(c, outcome.message);
      return c.json({ message: outcome.message }, 200);
    },
  )
  .post(
    "/:id/scheduled/:messageId/cancel",
    describeRoute({
      tags: ["messages"],
      summary: "Cancel a scheduled text before it goes (status cancelled)",
      responses: { 200: { description: "The cancelled text" }, ...conflictResponse },
    }),
    // Takes no body; the limit keeps a stray one from being buffered.
    limitBody(1024),
    validate("param", params),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const { id, messageId } = c.req.valid("param");
      const conversation = await visibleConversation(db, session, id);
      const outcome = await cancelScheduledText({ db, env: c.env, session, conversation, id: messageId });
      if (!outcome.ok) return noLongerWaiting(c, outcome.message);
      return c.json({ message: outcome.message }, 200);
    },
  );
