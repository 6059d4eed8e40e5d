import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import type { Db } from "../db/client";
import {
  deleteQuickReply,
  insertQuickReply,
  listQuickReplies,
  quickReplyNameTaken,
  updateQuickReply,
} from "../db/queries/quick-replies";
import { MESSAGE_MAX_LENGTH, MESSAGE_MAX_LENGTH_TEXT } from "../shared/messages";
import { unknownPlaceholderMessage, unknownPlaceholders } from "../shared/placeholders";
import { badRequest, conflict, notFound } from "../lib/errors";
import { idParam } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";

const name = z.string().trim().min(1, "is required").max(100, "is longer than 100 characters");
// Checked before filling; the filled text is checked again where it is sent (POST .../messages, 1,600).
const body = z
  .string()
  .trim()
  .min(1, "is required")
  .max(MESSAGE_MAX_LENGTH, `is longer than ${MESSAGE_MAX_LENGTH_TEXT} characters`);

const createSchema = z.strictObject({ name, body });
const patchSchema = z
  .strictObject({ name: name.optional(), body: body.optional() })
  .refine((p) => p.name !== undefined || p.body !== undefined, "name or body is required");

const quickReplyExample = {
  id: 4,
  name: "Refill ready",
  body: "Hi {patient.firstName}, your refill is ready at {practice.name}. – {staff.firstName}",
  createdAt: 1767225600000,
  updatedAt: 1767225600000,
};

/** An unknown placeholder would reach a patient as written: refused on save, naming it (400). */
function refuseUnknownPlaceholders(text: string | undefined) {
  if (text === undefined) return;
  const unknown = unknownPlaceholders(text);
  if (unknown.length > 0)
    throw badRequest(`body: ${unknownPlaceholderMessage(unknown)}`, "unknown_placeholder");
}

async function refuseTakenName(db: Db, orgId: number, value: string | undefined, exceptId?: number) {
  if (value !== undefined && (await quickReplyNameTaken(db, orgId, value, exceptId))) {
    throw conflict(`A quick reply named "${value}" already exists.`, "name_taken");
  }
}

const listed = {
  200: {
    description: "By name",
    content: { "application/json": { example: { quickReplies: [quickReplyExample] } } },
  },
};

/** Staff: the practice's quick replies, for the composer's picker (filled there, in the browser). */
export const quickReplyRoutes = new Hono<StaffEnv>().get(
  "/",
  describeRoute({
    tags: ["quick replies"],
    summary: "The practice's quick replies, with their placeholders unfilled",
    responses: listed,
  }),
  async (c) => c.json({ quickReplies: await listQuickReplies(c.get("db"), c.get("session").org.id) }, 200),
);

/** Admin: create, edit and delete the practice's quick replies; each change is audited. */
export const adminQuickReplyRoutes = new Hono<StaffEnv>()
  .get(
    "/",
    describeRoute({ tags: ["admin"], summary: "List the practice's quick replies", responses: listed }),
    async (c) => c.json({ quickReplies: await listQuickReplies(c.get("db"), c.get("session").org.id) }, 200),
  )
  .post(
    "/",
    describeRoute({
      tags: ["admin"],
      summary:
        "Create a quick reply (placeholders: {patient.firstName}, {patient.lastName}, {practice.name}, {number.label}, {staff.firstName})",
      responses: {
        201: {
          description: "The quick reply",
          content: { "application/json": { example: { quickReply: quickReplyExample } } },
        },
        400: {
          description:
            "A placeholder that does not exist (unknown_placeholder, naming it), or a field too long",
        },
        409: { description: "Another quick reply has this name (name_taken)" },
      },
    }),
    limitBody(16 * 1024),
    validate("json", createSchema),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const input = c.req.valid("json");
      refuseUnknownPlaceholders(input.body);
      await refuseTakenName(db, session.org.id, input.name);
      const quickReply = await insertQuickReply(
        db,
        { orgId: session.org.id, userId: session.user.id, name: input.name, body: input.body },
        Date.now(),
      );
      if (!quickReply) throw conflict(`A quick reply named "${input.name}" already exists.`, "name_taken");
      return c.json({ quickReply }, 201);
    },
  )
  .patch(
    "/:id",
    describeRoute({
      tags: ["admin"],
      summary: "Edit a quick reply's name or body",
      responses: {
        200: {
          description: "The quick reply",
          content: { "application/json": { example: { quickReply: quickReplyExample } } },
        },
        400: {
          description:
            "A placeholder that does not exist (unknown_placeholder, naming it), or a field too long",
        },
        404: { description: "No quick reply of this practice has that id" },
        409: { description: "Another quick reply has this name (name_taken)" },
      },
    }),
    limitBody(16 * 1024),
    validate("param", idParam),
    validate("json", patchSchema),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const { id } = c.req.valid("param");
      const patch = c.req.valid("json");
      refuseUnknownPlaceholders(patch.body);
      await refuseTakenName(db, session.org.id, patch.name, id);
      const quickReply = await updateQuickReply(
        db,
        { orgId: session.org.id, id, userId: session.user.id },
        { name: patch.name, body: patch.body },
        Date.now(),
      );
      if (!quickReply) throw notFound("Quick reply");
      return c.json({ quickReply }, 200);
    },
  )
  .delete(
    "/:id",
    describeRoute({
      tags: ["admin"],
      summary: "Delete a quick reply",
      responses: {
        200: {
          description: "The deleted quick reply",
          content: { "application/json": { example: { quickReply: quickReplyExample } } },
        },
        404: { description: "No quick reply of this practice has that id" },
      },
    }),
    validate("param", idParam),
    async (c) => {
      const session = c.get("session");
      const quickReply = await deleteQuickReply(
        c.get("db"),
        { orgId: session.org.id, id: c.req.valid("param").id, userId: session.user.id },
        Date.now(),
      );
      if (!quickReply) throw notFound("Quick reply");
      return c.json({ quickReply }, 200);
    },
  );
