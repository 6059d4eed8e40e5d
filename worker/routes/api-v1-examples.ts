/** OpenAPI examples of the practice-system API's routes, kept apart so the routes stay readable. */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { describeRoute, resolver } from "hono-openapi";

/**
 * Documents a JSON request body with its schema AND an example. hono-openapi merges each middleware's
 * document in chain order and the validator's body replaces an earlier describeRoute's, so this goes right
 * after `validate("json", schema)`.
 */
export function requestExample(schema: StandardSchemaV1, example: unknown) {
  return describeRoute({
    requestBody: { content: { "application/json": { schema: resolver(schema), example } } },
  });
}

export const sendExamples = {
  request: {
    from: "+15551230001",
    kind: "reminder",
    body: "Demo Family Clinic: your appointment is tomorrow at 9:30. Reply C to confirm.",
    recipients: [
      {
        externalId: "PMS-1001",
        appointment: {
          id: "APT-55012",
          startsAt: "2026-06-11T09:30:00-05:00",
          label: "cleaning with Dr. Lee",
        },
      },
      { phone: "+15550104000", appointment: { id: "APT-55013", startsAt: "2026-06-11T10:00:00-05:00" } },
      { externalId: "PMS-9999", appointment: { id: "APT-55014", startsAt: "2026-06-11T11:00:00-05:00" } },
    ],
    expects: "confirmation",
    idempotencyKey: "pms-batch-2026-06-10-0930",
  },
  response: {
    results: [
      {
        index: 0,
        status: "queued",
        messageId: 812,
        sendAfter: 1781083800000,
        recipient: {
          externalId: "PMS-1001",
          appointment: {
            id: "APT-55012",
            startsAt: "2026-06-11T09:30:00-05:00",
            label: "cleaning with Dr. Lee",
          },
        },
      },
      {
        index: 1,
        status: "refused",
        reason: "opted_out",
        message: "This phone opted out of texts from this clinic number (it can text START to opt back in).",
        recipient: {
          phone: "+15550104000",
          appointment: { id: "APT-55013", startsAt: "2026-06-11T10:00:00-05:00" },
        },
      },
      {
        index: 2,
        status: "refused",
        reason: "unknown_patient",
        message: "No patient of this practice has that externalId.",
        recipient: {
          externalId: "PMS-9999",
          appointment: { id: "APT-55014", startsAt: "2026-06-11T11:00:00-05:00" },
        },
      },
    ],
    summary: { queued: 1, held: 0, refused: 2 },
  },
};

export const statusExample = {
  message: {
    id: 812,
    direction: "out",
    kind: "reminder",
    status: "delivered",
    from: "+15551230001",
    to: "+15550002222",
    body: "Demo Family Clinic: your appointment is tomorrow at 9:30. Reply C to confirm.",
    segments: 1,
    errorCode: null,
    errorReason: null,
    sendAfter: null,
    createdAt: 1781083800000,
    updatedAt: 1781083801200,
    appointment: {
      id: "APT-55012",
      startsAt: 1781188200000,
      label: "cleaning with Dr. Lee",
      expects: "confirmation",
    },
    // What the patient's reply meant (null until one came): confirm, reschedule, cancel, unknown, opted_out.
    response: { intent: "confirm", messageId: 845, receivedAt: 1781090412000 },
  },
};

/** The `appointment.response` webhook: how a reply answers one reminder (one event per appointment). */
export const appointmentResponseExample = {
  id: 9031,
  type: "appointment.response",
  data: {
    appointmentId: "APT-55012",
    externalId: "PMS-1001",
    intent: "confirm",
    messageId: 845,
    reminderMessageId: 812,
    numberId: 1,
    correctedBy: null,
  },
};

/** The `data.media` of a message.received webhook for a text with one photo, just received. */
export const mediaWebhookExample = [
  {
    n: 0,
    contentType: "image/jpeg",
    size: 512000,
    fileName: "photo-1.jpg",
    state: "pending",
    url: "https://textdesk.example.com/api/v1/messages/913/media/0",
  },
];
