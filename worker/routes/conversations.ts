/**
 * @module A conversation's team state over HTTP: who it is assigned to, and open / done / snoozed. The rules
 * (who may be assigned, how long a snooze may be, the event lines and live events) are in
 * messaging/conversation-state.ts; this layer validates and answers.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import type { Db } from "../db/client";
import { assignableUsers } from "../db/queries/conversations";
import { withPeople } from "../db/queries/queue";
import type { Conversation } from "../db/schema";
import { notFound } from "../lib/errors";
import { idParam } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";
import { viewerOf } from "../middleware/session";
import { assign, changeState } from "../messaging/conversation-state";
import { TIME_PRESETS } from "../shared/team";
import { toRow, visibleConversation } from "./queue";

const assigneeBody = z.strictObject({ userId: z.number().int().positive().nullable() });
const stateBody = z.union([
  z.strictObject({ state: z.enum(["open", "done"]) }),
  z.strictObject({ state: z.literal("snoozed"), preset: z.enum(TIME_PRESETS) }),
  z.strictObject({ state: z.literal("snoozed"), until: z.number().int().positive() }),
]);

const changeResponses = {
  200: { description: "The conversation as it now stands (unchanged when it already was so)" },
  404: { description: "No such conversation visible to you (or, assigning, no such assignable user)" },
} as const;

async function rowOf(db: Db, orgId: number, conversation: Conversation) {
  const [row] = await withPeople(db, orgId, [conversation]);
  if (!row) throw notFound("Conversation");
  return toRow(row);
}

/** Mounted on staffRoutes under /conversations. */
export const conversationStateRoutes = new Hono<StaffEnv>()
  .get(
    "/:id/assignees",
    describeRoute({
      tags: ["queue"],
      summary: "Who this conversation may be assigned to: the practice's active users who may see its number",
    }),
    validate("param", idParam),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const conversation = await visibleConversation(db, viewerOf(session), c.req.valid("param").id);
      const users = await assignableUsers(db, session.org.id, conversation.numberId);
      return c.json({ users }, 200);
    },
  )
  .put(
    "/:id/assignee",
    describeRoute({
      tags: ["queue"],
      summary: "Assign the conversation to a user, or unassign it (userId null)",
      description:
        "The assignee gets a toast. A user of another practice, an inactive one, or one who may not see the number answers 404.",
      responses: changeResponses,
    }),
    limitBody(1024),
    validate("param", idParam),
    validate("json", assigneeBody),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const conversation = await visibleConversation(db, viewerOf(session), c.req.valid("param").id);
      const after = await assign(
        { db, env: c.env, now: Date.now() },
        conversation,
        c.req.valid("json").userId,
        { id: session.user.id, name: session.user.name },
      );
      return c.json({ conversation: await rowOf(db, session.org.id, after) }, 200);
    },
  )
  .post(
    "/:id/state",
    describeRoute({
      tags: ["queue"],
      summary: "Open, mark done, or snooze the conversation (a preset or a time)",
      description:
        'Snooze presets: "1h", "tomorrow" and "monday" (at opening, from the number\'s office hours, else 08:00, in its time zone), or `until` in epoch ms. A snooze that ends, or a patient\'s text, reopens it.',
      responses: {
        ...changeResponses,
        400: { description: "A snooze in the past (snooze_in_past) or too far ahead (snooze_too_long)" },
      },
    }),
    limitBody(1024),
    validate("param", idParam),
    validate("json", stateBody),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const conversation = await visibleConversation(db, viewerOf(session), c.req.valid("param").id);
      const after = await changeState(
        { db, env: c.env, now: Date.now() },
        conversation,
        c.req.valid("json"),
        { id: session.user.id, name: session.user.name },
      );
      return c.json({ conversation: await rowOf(db, session.org.id, after) }, 200);
    },
  );
