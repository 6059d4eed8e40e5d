import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { Env, StaffEnv } from "../env";
import { findVisibleNumber } from "../db/queries/numbers";
import { getConversation, getMessageInConversation } from "../db/queries/queue";
import { timezonesByPhone } from "../db/queries/patient-sync";
import type { MessageKind, Organization } from "../db/schema";
import { badRequest, conflict, notFound } from "../lib/errors";
import { idParam, messageBody, phoneSchema } from "../lib/schemas";
import { validate } from "../lib/validate";
import { viewerOf, type Session } from "../middleware/session";
import { campaignRetry } from "../domain/quiet-hours";
import { sendText } from "../messaging/send-text";
import { liveMessage } from "../messaging/live";
import type { Db } from "../db/client";
import { limitBody } from "../middleware/body-limit";

/**
 * The client makes one key per composed text, so a double click or a retried request sends it once. Stored
 * as `ui:<key>`: the server keys its own texts on the same number (`retry:<id>`, `auto:<id>`, `alert:…`), and
 * a staff key that happened to equal one would return that text instead of sending this one.
 */
const idempotencyKey = z.string().trim().min(8).max(100);
const body = messageBody.min(1, "is empty");

const replySchema = z.strictObject({ body, idempotencyKey });
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

async function send(
  db: Db,
  env: Env,
  session: Session,
  target: { numberId: number; phone: string; kind: MessageKind; body: string; idempotencyKey: string },
) {
  const message = await sendText({
    db,
    env,
    numberId: target.numberId,
    phone: target.phone,
    body: target.body,
    kind: target.kind,
    authorUserId: session.user.id,
    idempotencyKey: target.idempotencyKey,
  });
  return liveMessage(message, session.user.name);
}

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
      summary: "Reply in a conversation (refused with 409 opted_out if the phone opted out)",
    }),
    // 1,600 characters of text, up to 6 bytes each when JSON escapes them.
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
      const message = await send(db, c.env, session, {
        numberId: conversation.numberId,
        phone: conversation.phone,
        kind: "reply",
        body: input.body,
        idempotencyKey: uiKey(input.idempotencyKey),
      });
      return c.json({ message }, 201);
    },
  )
  .post(
    "/messages",
    describeRoute({
      tags: ["messages"],
      summary: "Text a phone from a clinic number (starts the conversation)",
    }),
    limitBody(16 * 1024),
    validate("json", directSchema),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const input = c.req.valid("json");
      const number = await findVisibleNumber(db, viewerOf(session), input.numberId);
      if (!number) throw notFound("Clinic number");
      const message = await send(db, c.env, session, {
        numberId: input.numberId,
        phone: input.phone,
        body: input.body,
        kind: "direct",
        idempotencyKey: uiKey(input.idempotencyKey),
      });
      return c.json({ message }, 201);
    },
  )
  .post(
    "/conversations/:id/messages/:messageId/retry",
    describeRoute({
      tags: ["messages"],
      summary: "Send a failed text again (once, however often it is clicked)",
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
      const message = await send(db, c.env, session, {
        numberId: conversation.numberId,
        phone: conversation.phone,
        kind: failed.kind,
        body: failed.body,
        idempotencyKey: `retry:${failed.id}`,
      });
      return c.json({ message }, 201);
    },
  );
