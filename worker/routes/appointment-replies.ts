/**
 * @module Staff correcting how a patient's reply to a reminder was read (the chip's menu: Mark as confirmed,
 * reschedule or cancel, or Not about the appointment). The rules are in messaging/reminder-replies.ts; this
 * layer checks access and answers. Mounted on staffRoutes under /conversations.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import { getMessageInConversation } from "../db/queries/queue";
import { conflict, notFound } from "../lib/errors";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";
import { viewerOf } from "../middleware/session";
import { correctAppointmentReply } from "../messaging/reminder-replies";
import { APPOINTMENT_CORRECTIONS } from "../shared/reminders";
import { visibleConversation } from "./queue";

const params = z.strictObject({
  id: z.coerce.number().int().positive(),
  messageId: z.coerce.number().int().positive(),
});
const correctionBody = z.strictObject({ correction: z.enum(APPOINTMENT_CORRECTIONS) });

const example = {
  message: {
    id: 58,
    direction: "in",
    kind: "reply",
    body: "Can we do Thursday?",
    appointmentReply: { intent: "reschedule", reminderMessageIds: [41], correctedBy: "Sam Staff" },
  },
};

export const appointmentReplyRoutes = new Hono<StaffEnv>().post(
  "/:id/messages/:messageId/appointment-reply",
  describeRoute({
    tags: ["messages"],
    summary: "Correct how a patient's reply to a reminder was read (audited; the practice system hears it)",
    description:
      "correction: confirm, reschedule, cancel, or not_about (the reply is taken off the appointment, which " +
      "is outstanding again while it lies ahead). Sends the `message` event again and the corrected " +
      "`appointment.response` webhook.",
    responses: {
      200: {
        description: "The reply as it now stands",
        content: { "application/json": { example } },
      },
      404: { description: "No such conversation visible to you, or no such message in it" },
      409: { description: "The message was not read as a reply to a reminder (not_a_reminder_reply)" },
    },
  }),
  limitBody(1024),
  validate("param", params),
  validate("json", correctionBody),
  async (c) => {
    const session = c.get("session");
    const db = c.get("db");
    const { id, messageId } = c.req.valid("param");
    const conversation = await visibleConversation(db, viewerOf(session), id);
    const reply = await getMessageInConversation(db, conversation.id, messageId);
    if (!reply) throw notFound("Message");
    if (reply.direction !== "in" || !reply.appointmentReply) {
      throw conflict("This text was not read as a reply to a reminder.", "not_a_reminder_reply");
    }
    const message = await correctAppointmentReply({
      db,
      env: c.env,
      reply,
      reading: reply.appointmentReply,
      correction: c.req.valid("json").correction,
      user: { id: session.user.id, name: session.user.name },
      now: Date.now(),
    });
    return c.json({ message }, 200);
  },
);
