import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { PracticeApiEnv } from "../env";
import { findNumberByE164, getOrgNumber } from "../db/queries/numbers";
import { getOrgMessage } from "../db/queries/outbound-batch";
import { getMessageFile } from "../db/queries/media";
import { conflict, describeError, notFound, payloadTooLarge } from "../lib/errors";
import { idParam, messageBody, phoneSchema } from "../lib/schemas";
import { validate } from "../lib/validate";
import { queueApiMessages } from "../messaging/outbound-batch";
import { messageAppointment } from "../messaging/live";
import { scheduleDrain } from "../messaging/outbound-drain";
import { limitBody } from "../middleware/body-limit";
import {
  appointmentResponseExample,
  mediaWebhookExample,
  requestExample,
  sendExamples,
  statusExample,
} from "./api-v1-examples";
import { fileParams, serveFile } from "./media";

export const MAX_RECIPIENTS_PER_CALL = 1000;

/**
 * Loose on purpose: an id over 100 characters, a label over 60, a startsAt that is not ISO 8601 or is past are
 * that recipient's refusal (domain/reminder-reply.ts checkAppointment), not a 400 for the whole batch. The
 * caps here only bound the body.
 */
const appointment = z.strictObject({
  id: z.string().max(1000),
  startsAt: z.string().max(100),
  label: z.string().max(1000).optional(),
});

const recipient = z.union([
  z.strictObject({ externalId: z.string().trim().min(1).max(100), appointment: appointment.optional() }),
  // Kept as typed: a bad phone is that recipient's refusal (invalid_phone), not a 400 for the whole batch.
  z.strictObject({ phone: z.string().trim().min(1).max(40), appointment: appointment.optional() }),
]);

const sendBody = z
  .strictObject({
    numberId: z.number().int().positive().optional(),
    from: phoneSchema.optional(),
    kind: z.enum(["reminder", "campaign"]),
    body: messageBody.refine((b) => b.trim().length > 0, "is empty"),
    recipients: z.array(recipient).min(1, "name at least one recipient"),
    expects: z.literal("confirmation").optional(),
    idempotencyKey: z.string().trim().min(8).max(100).optional(),
  })
  .refine(
    (b) => (b.numberId === undefined) !== (b.from === undefined),
    "give exactly one of numberId and from",
  );

/** Reminder and campaign texts from the practice-management system, and their status. */
export const apiV1MessageRoutes = new Hono<PracticeApiEnv>()
  .post(
    "/",
    describeRoute({
      tags: ["practice-system API"],
      summary:
        "Queue a reminder or campaign text to up to 1,000 patients or phones, with a result per recipient",
      description:
        "Each recipient is queued (sent within seconds, at the carrier's pace), held (a campaign text outside " +
        "the practice's quiet hours in the patient's time zone: sent when the window opens; reason opt_out_review: " +
        "the patient's last text may be an opt-out and staff have not decided yet) or refused with a " +
        "reason: unknown_patient, invalid_phone, not_mobile, opted_out, quiet_hours, or for a recipient's " +
        "appointment invalid_appointment_id (empty or over 100 characters), invalid_starts_at (not ISO 8601 " +
        "with a zone), appointment_in_past, label_too_long (over 60), missing_appointment (expects " +
        '"confirmation" without one). Reminders are never held. A recipient may carry `appointment` ' +
        '{ id, startsAt, label? }; with `expects: "confirmation"` the patient\'s reply is read as confirm, ' +
        "reschedule or cancel, shown to staff, returned as the reminder's `response` and sent as the " +
        "`appointment.response` webhook. " +
        "The same idempotencyKey again stores nothing new and answers with the same message ids. A number of " +
        "another practice: 404. More than 1,000 recipients: 413.",
      security: [{ apiKey: [] }],
      responses: {
        202: {
          description: "One result per recipient, in the order sent",
          content: { "application/json": { example: sendExamples.response } },
        },
        401: { description: "Unknown or revoked API key" },
        404: { description: "The clinic number is not one of this practice's" },
        413: { description: "More than 1,000 recipients" },
        429: { description: "Rate limit; see Retry-After" },
      },
    }),
    // 1,000 recipients of at most ~120 bytes each plus an appointment (~200 bytes), and one text of at most
    // ~10 KB, JSON-escaped.
    limitBody(512 * 1024),
    validate("json", sendBody),
    requestExample(sendBody, sendExamples.request),
    async (c) => {
      const input = c.req.valid("json");
      if (input.recipients.length > MAX_RECIPIENTS_PER_CALL) {
        throw payloadTooLarge(`At most ${MAX_RECIPIENTS_PER_CALL} recipients per call; split the batch.`);
      }
      const { keyId, org } = c.get("apiKey");
      const db = c.get("db");
      const number =
        input.numberId !== undefined
          ? await getOrgNumber(db, org.id, input.numberId)
          : await findNumberByE164(db, input.from ?? "");
      if (!number || number.orgId !== org.id) throw notFound("Clinic number");
      const { results, nextDueAt } = await queueApiMessages({
        db,
        org,
        number,
        kind: input.kind,
        body: input.body,
        recipients: input.recipients,
        expects: input.expects,
        idempotencyKey: input.idempotencyKey ?? null,
        keyId,
        now: Date.now(),
      });
      if (nextDueAt !== null) {
        try {
          await scheduleDrain(c.env, number.id, nextDueAt);
        } catch (error) {
          // The texts are stored, so the answer stays true; the hourly cron re-arms a drain that never started.
          console.error("drain not scheduled:", describeError(error));
        }
      }
      const count = (status: string) => results.filter((r) => r.status === status).length;
      return c.json(
        {
          results: results.map((r) => ({ ...r, recipient: input.recipients[r.index] })),
          summary: { queued: count("queued"), held: count("held"), refused: count("refused") },
        },
        202,
      );
    },
  )
  .get(
    "/:id",
    describeRoute({
      tags: ["practice-system API"],
      summary: "A message's status (any message of the practice, including patients' replies)",
      description:
        "A reminder sent with `appointment` carries it (startsAt in epoch ms) and `response`: " +
        "{ intent, messageId, receivedAt } once the patient's reply was read (intent confirm, reschedule, " +
        "cancel, unknown or opted_out; a staff correction changes it), else null. The same reading is sent " +
        "as the `appointment.response` webhook, e.g. " +
        JSON.stringify(appointmentResponseExample) +
        "; intent null there means staff marked the reply as not about the appointment.",
      security: [{ apiKey: [] }],
      responses: {
        200: { description: "The message", content: { "application/json": { example: statusExample } } },
        404: { description: "No message of this practice has that id" },
      },
    }),
    validate("param", idParam),
    async (c) => {
      const found = await getOrgMessage(c.get("db"), c.get("apiKey").org.id, c.req.valid("param").id);
      if (!found) throw notFound("Message");
      const { message: m, patientPhone, clinicPhone } = found;
      return c.json(
        {
          message: {
            id: m.id,
            direction: m.direction,
            kind: m.kind,
            status: m.status,
            from: m.direction === "out" ? clinicPhone : patientPhone,
            to: m.direction === "out" ? patientPhone : clinicPhone,
            body: m.body,
            segments: m.segments,
            errorCode: m.errorCode,
            errorReason: m.errorReason,
            sendAfter: m.sendAfter,
            createdAt: m.createdAt,
            updatedAt: m.updatedAt,
            appointment: messageAppointment(m),
            // A reminder that expected an answer: what the patient's reply meant (null until one came).
            response:
              m.appointmentResponse !== null && m.appointmentResponseMessageId !== null
                ? {
                    intent: m.appointmentResponse,
                    messageId: m.appointmentResponseMessageId,
                    receivedAt: m.appointmentResponseAt,
                  }
                : null,
          },
        },
        200,
      );
    },
  )
  .get(
    "/:messageId/media/:n",
    describeRoute({
      tags: ["practice-system API"],
      summary:
        "One photo or file of a message, as the `media[].url` of the message.received webhook gives it",
      description:
        "The file's bytes as an attachment, with its verified Content-Type, a safe file name and " +
        "`X-Content-Type-Options: nosniff`. A patient's photo is copied from the carrier after the text is " +
        "stored, so a webhook usually names it `pending`: this answers 409 (media_pending) until it is " +
        "stored, typically within seconds. A message of another practice, or a file that could not be " +
        "retrieved: 404. The message.received webhook's `data.media`, e.g. " +
        JSON.stringify(mediaWebhookExample),
      security: [{ apiKey: [] }],
      responses: {
        200: { description: "The file (Content-Disposition: attachment)" },
        401: { description: "Unknown or revoked API key" },
        404: { description: "No such file on a message of this practice" },
        409: { description: "Still being copied from the carrier (media_pending); retry shortly" },
      },
    }),
    validate("param", fileParams),
    async (c) => {
      const { messageId, n } = c.req.valid("param");
      const found = await getMessageFile(c.get("db"), messageId, n);
      if (!found || found.message.orgId !== c.get("apiKey").org.id) throw notFound("File");
      if (found.media.state === "pending") {
        c.header("retry-after", "5");
        throw conflict("The file is still being copied from the carrier; retry shortly.", "media_pending");
      }
      return serveFile(c.env.HISTORY, found.media, true);
    },
  );
