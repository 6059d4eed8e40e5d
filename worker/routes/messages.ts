import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { Env, StaffEnv } from "../env";
import { findVisibleNumber } from "../db/queries/numbers";
import { getUserName } from "../db/queries/users";
import { getConversation, getMessageInConversation } from "../db/queries/queue";
import { timezonesByPhone } from "../db/queries/patient-sync";
import type { MessageKind, Organization } from "../db/schema";
import { badRequest, conflict, notFound } from "../lib/errors";
import { idParam, messageBody, phoneSchema } from "../lib/schemas";
import { validate } from "../lib/validate";
import { viewerOf, type Session } from "../middleware/session";
import { campaignRetry } from "../domain/quiet-hours";
import { sendTextOnce } from "../messaging/send-text";
import { liveMessage } from "../messaging/live";
import { assignOnReply } from "../messaging/conversation-state";
import type { Db } from "../db/client";
import { limitBody } from "../middleware/body-limit";
import { scheduleReply, wantsSendLater } from "../messaging/scheduled-texts";
import { sendLaterFields } from "./scheduled";
import { unsentUploads } from "../db/queries/media";
import { messageMediaOf } from "../messaging/media-copy";
import { UPLOAD_MAX_FILES } from "../shared/media";

/**
 * The client makes one key per composed text, so a double click or a retried request sends it once. Stored
 * as `ui:<key>`: the server keys its own texts on the same number (`retry:<id>`, `auto:<id>`, `alert:…`), and
 * a staff key that happened to equal one would return that text instead of sending this one.
 */
const idempotencyKey = z.string().trim().min(8).max(100);
const body = messageBody.min(1, "is empty");

// With `sendAt` or `preset` the reply is stored for later (messaging/scheduled-texts.ts). With `uploadIds`
// (routes/media.ts) it goes as MMS and the body may be empty.
const replySchema = z
  .strictObject({
    body: messageBody,
    idempotencyKey,
    uploadIds: z.array(z.string().min(8).max(64)).min(1).max(UPLOAD_MAX_FILES).optional(),
    ...sendLaterFields,
  })
  .refine((r) => r.body.length > 0 || (r.uploadIds?.length ?? 0) > 0, {
    path: ["body"],
    message: "is empty",
  });
const directSchema = z.strictObject({
  numberId: z.number().int().positive(),
  phone: phoneSchema,
  body,
  idempotencyKey,
});
const retryParams = z.strictObject({
  id: z.coerce.number().int().positive(),
  messageId: z.coerce.number().int().positive(),
});

/**
 * Sends once per key. `created` says whether this request stored the text (201) or an earlier one with the
 * same key did (200, `replayed: true`): the answer then carries that text's status as it stands now (still
 * queued, sent, delivered, or failed with its reason), never a fresh 201 for a text that may not have gone.
 */
async function send(
  db: Db,
  env: Env,
  session: Session,
  target: {
    numberId: number;
    phone: string;
    kind: MessageKind;
    body: string;
    idempotencyKey: string;
    uploadIds?: readonly string[];
  },
) {
  const { message, created } = await sendTextOnce({
    db,
    env,
    numberId: target.numberId,
    phone: target.phone,
    body: target.body,
    kind: target.kind,
    authorUserId: session.user.id,
    idempotencyKey: target.idempotencyKey,
    uploadIds: target.uploadIds,
  });
  const media = target.uploadIds?.length ? await messageMediaOf(db, message.id) : [];
  const authorName =
    message.authorUserId === session.user.id
      ? session.user.name
      : message.authorUserId === null
        ? null
        : await getUserName(db, message.authorUserId);
  return { message: liveMessage(message, authorName, media), created };
}

/** The answers of every send route: what 201 and 200 mean, and that the body's status is the truth. */
const sendResponses = {
  201: {
    description:
      "This request stored the text. `message.status` is where it stands: `queued`/`sent`/`delivered` on its way, `sending` when the carrier's answer was lost (never sent again), `failed` with `errorCode` and `errorReason` when it did not go out (Retry it).",
    content: { "application/json": { example: { message: { id: 41, status: "queued", errorCode: null } } } },
  },
  200: {
    description:
      "A repeat: an earlier request with the same idempotency key stored this text, and nothing new was sent. `message` is that text with its current status (which may be `failed`, with its reason); `replayed` is true.",
    content: {
      "application/json": {
        example: {
          message: {
            id: 41,
            status: "failed",
            errorCode: "credentials",
            errorReason: "The clinic number's…",
          },
          replayed: true,
        },
      },
    },
  },
  409: { description: "The phone opted out (opted_out)" },
} as const;

const uiKey = (key: string) => `ui:${key}`;

/** A campaign text retried outside quiet hours is refused (409 quiet_hours): domain/quiet-hours.ts says when. */
async function refuseOutsideQuietHours(db: Db, org: Organization, phone: string, now: number) {
  const zones = await timezonesByPhone(db, org.id, [phone]);
  const retry = campaignRetry(org, zones.get(phone), now);
  if (!retry.send) throw conflict(retry.message, "quiet_hours");
}

/** Staff texting: replies in a conversation, direct texts from the Rolodex, and Retry of a failed text. */
export const messageRoutes = new Hono<StaffEnv>()
  .post(
    "/conversations/:id/messages",
    describeRoute({
      tags: ["messages"],
      summary:
        "Reply in a conversation, now or later (`sendAt` ms, `sendAtLocal` or `preset`, `cancelOnReply` default true), with photos as MMS (`uploadIds` from POST …/uploads; the body may then be empty); 409 opted_out if the phone opted out",
      responses: {
        ...sendResponses,
        400: {
          description:
            "A send-later time in the past or more than 90 days ahead (send_at_past, send_at_too_far)",
        },
      },
    }),
    // 1,600 characters of text, up to 6 bytes each when JSON escapes them, and a few upload ids.
    limitBody(16 * 1024),
    validate("param", idParam),
    validate("json", replySchema),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const conversation = await getConversation(db, session.org.id, c.req.valid("param").id);
      if (!conversation || !(await findVisibleNumber(db, viewerOf(session), conversation.numberId))) {
        throw notFound("Conversation");
      }
      const input = c.req.valid("json");
      const uploadIds = [...new Set(input.uploadIds ?? [])];
      if (uploadIds.length > 0) {
        if (wantsSendLater(input)) throw badRequest("Photos cannot be sent later yet: send them now.");
        const found = await unsentUploads(
          db,
          { orgId: session.org.id, conversationId: conversation.id },
          uploadIds,
        );
        if (found.length !== uploadIds.length) {
          throw badRequest(
            "An attached photo was not found or was already sent: attach it again.",
            "upload_not_found",
          );
        }
      }
      if (wantsSendLater(input)) {
        const later = await scheduleReply({
          db,
          env: c.env,
          session,
          conversation,
          body: input.body,
          idempotencyKey: uiKey(input.idempotencyKey),
          sendLater: { sendAt: input.sendAt, preset: input.preset, sendAtLocal: input.sendAtLocal },
          cancelOnReply: input.cancelOnReply ?? true,
        });
        return later.created
          ? c.json({ message: later.message }, 201)
          : c.json({ message: later.message, replayed: true }, 200);
      }
      const { message, created } = await send(db, c.env, session, {
        numberId: conversation.numberId,
        phone: conversation.phone,
        kind: "reply",
        body: input.body,
        idempotencyKey: uiKey(input.idempotencyKey),
        uploadIds,
      });
      // Replying to an unassigned conversation makes it the sender's (conversation-state.ts).
      if (created && conversation.assignedUserId === null) {
        await assignOnReply({ db, env: c.env, now: Date.now() }, conversation.id, {
          id: session.user.id,
          name: session.user.name,
        });
      }
      return created ? c.json({ message }, 201) : c.json({ message, replayed: true }, 200);
    },
  )
  .post(
    "/messages",
    describeRoute({
      tags: ["messages"],
      summary: "Text a phone from a clinic number (starts the conversation)",
      responses: sendResponses,
    }),
    limitBody(16 * 1024),
    validate("json", directSchema),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const input = c.req.valid("json");
      const number = await findVisibleNumber(db, viewerOf(session), input.numberId);
      if (!number) throw notFound("Clinic number");
      const { message, created } = await send(db, c.env, session, {
        numberId: input.numberId,
        phone: input.phone,
        body: input.body,
        kind: "direct",
        idempotencyKey: uiKey(input.idempotencyKey),
      });
      return created ? c.json({ message }, 201) : c.json({ message, replayed: true }, 200);
    },
  )
  .post(
    "/conversations/:id/messages/:messageId/retry",
    describeRoute({
      tags: ["messages"],
      summary: "Send a failed text again (once, however often it is clicked)",
      responses: {
        ...sendResponses,
        200: {
          ...sendResponses[200],
          description:
            "This text was already retried: the answer is that retry (not sent again), with its current status; `replayed` is true.",
        },
        400: { description: "The text has not failed (not_failed)" },
      },
    }),
    validate("param", retryParams),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const { id, messageId } = c.req.valid("param");
      const conversation = await getConversation(db, session.org.id, id);
      if (!conversation || !(await findVisibleNumber(db, viewerOf(session), conversation.numberId))) {
        throw notFound("Conversation");
      }
      const failed = await getMessageInConversation(db, conversation.id, messageId);
      if (!failed || failed.direction !== "out") throw notFound("Message");
      if (failed.status !== "failed" && failed.status !== "undelivered") {
        throw badRequest("Only a failed text can be retried.", "not_failed");
      }
      if (failed.kind === "campaign") {
        await refuseOutsideQuietHours(db, session.org, conversation.phone, Date.now());
      }
      const { message, created } = await send(db, c.env, session, {
        numberId: conversation.numberId,
        phone: conversation.phone,
        kind: failed.kind,
        body: failed.body,
        idempotencyKey: `retry:${failed.id}`,
      });
      return created ? c.json({ message }, 201) : c.json({ message, replayed: true }, 200);
    },
  );
