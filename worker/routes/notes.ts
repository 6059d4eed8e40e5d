import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import type { Db } from "../db/client";
import { findVisibleNumber } from "../db/queries/numbers";
import { mentionableUsers } from "../db/queries/notes";
import { getConversation } from "../db/queries/queue";
import { NOTE_MAX_LENGTH } from "../shared/messages";
import { notFound } from "../lib/errors";
import { idParam } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";
import { viewerOf, type Session } from "../middleware/session";
import { createNote } from "../messaging/notes";

const NOTE_MAX_TEXT = NOTE_MAX_LENGTH.toLocaleString("en-US");

const noteSchema = z.strictObject({
  body: z
    .string()
    .max(NOTE_MAX_LENGTH, `is longer than ${NOTE_MAX_TEXT} characters (a note may have ${NOTE_MAX_TEXT})`)
    .refine((b) => b.trim() !== "", "is empty"),
  // As for texts: one key per composed note, so a double click or a retried request stores it once.
  idempotencyKey: z.string().trim().min(8).max(100),
});

/** The conversation and its number, if the caller may see them; 404 otherwise, so ids do not leak. */
async function visible(db: Db, session: Session, id: number) {
  const conversation = await getConversation(db, session.org.id, id);
  const number = conversation && (await findVisibleNumber(db, viewerOf(session), conversation.numberId));
  if (!conversation || !number) throw notFound("Conversation");
  return { conversation, number };
}

const noteExample = {
  message: {
    id: 57,
    direction: "internal",
    kind: "note",
    status: "recorded",
    body: "@Sam Staff can you call her back about the refill?",
    authorName: "Avery Admin",
  },
  mentions: [2],
};

/**
 * Internal notes in a conversation: seen by the front desk only, never sent, never in the practice system's
 * webhooks or API. `@Name` mentions a colleague who may see the number (shared/mentions.ts).
 */
export const noteRoutes = new Hono<StaffEnv>()
  .post(
    "/:id/notes",
    describeRoute({
      tags: ["messages"],
      summary: "Write an internal note (never sent; @Name mentions a colleague, who gets a toast)",
      responses: {
        201: {
          description: "The note (direction internal, kind note, status recorded) and whom it mentioned",
          content: { "application/json": { example: noteExample } },
        },
        200: {
          description: "A repeat of the same idempotency key: the earlier note, nothing new stored",
          content: { "application/json": { example: { ...noteExample, replayed: true } } },
        },
        400: { description: "Empty, or longer than 4,000 characters (invalid_input)" },
        404: { description: "No conversation the caller may see has that id" },
      },
    }),
    // 4,000 characters, up to 6 bytes each when JSON escapes them.
    limitBody(32 * 1024),
    validate("param", idParam),
    validate("json", noteSchema),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const { conversation, number } = await visible(db, session, c.req.valid("param").id);
      const input = c.req.valid("json");
      const { message, mentions, created } = await createNote({
        db,
        env: c.env,
        session,
        number,
        conversation,
        body: input.body,
        idempotencyKey: input.idempotencyKey,
      });
      return created
        ? c.json({ message, mentions }, 201)
        : c.json({ message, mentions, replayed: true }, 200);
    },
  )
  .get(
    "/:id/mentionable",
    describeRoute({
      tags: ["messages"],
      summary: "The colleagues a note in this conversation may @mention (who may see its number)",
      responses: {
        200: {
          description: "Active users of the practice who may see the number, by name",
          content: { "application/json": { example: { users: [{ id: 2, name: "Sam Staff" }] } } },
        },
        404: { description: "No conversation the caller may see has that id" },
      },
    }),
    validate("param", idParam),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const { number } = await visible(db, session, c.req.valid("param").id);
      return c.json({ users: await mentionableUsers(db, session.org.id, number.id) }, 200);
    },
  );
