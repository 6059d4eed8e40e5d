import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import { listOrgNumberIds } from "../db/queries/numbers";
import { closeUserSockets } from "../realtime/close-sockets";
import {
  applyUserEdit,
  findUserByEmail,
  getUser,
  grantNewUser,
  insertUser,
  listUsers,
  numberIdsInOrg,
} from "../db/queries/users";
import { accessEffects, locksSelfOut } from "../domain/user-access";
import type { Db } from "../db/client";
import { badRequest, conflict, notFound } from "../lib/errors";
import { hashPassword } from "../lib/passwords";
import { emailSchema, idParam, numberIdList, passwordSchema, personName, roleSchema } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";

const numberIds = numberIdList;

const createUser = z.strictObject({
  email: emailSchema,
  name: personName,
  role: roleSchema,
  password: passwordSchema,
  active: z.boolean().default(true),
  smsReplyAlert: z.boolean().default(true),
  smsReplySound: z.boolean().default(true),
  numberIds: numberIds.default([]),
});

const updateUser = z
  .strictObject({
    email: emailSchema.optional(),
    name: personName.optional(),
    role: roleSchema.optional(),
    password: passwordSchema.optional(),
    active: z.boolean().optional(),
    smsReplyAlert: z.boolean().optional(),
    smsReplySound: z.boolean().optional(),
    numberIds: numberIds.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, "name at least one field to change");

async function checkNumbers(db: Db, orgId: number, ids: number[]) {
  const known = new Set(await numberIdsInOrg(db, orgId, ids));
  const unknown = ids.find((id) => !known.has(id));
  if (unknown !== undefined) throw badRequest(`numberIds: clinic number ${unknown} does not exist`);
  return [...new Set(ids)];
}

/** Admin: the practice's users, their roles, notification privileges and which numbers they see. */
export const adminUserRoutes = new Hono<StaffEnv>()
  .get("/", describeRoute({ tags: ["admin"], summary: "List users" }), async (c) => {
    const users = await listUsers(c.get("db"), c.get("session").org.id);
    return c.json({ users }, 200);
  })
  .post(
    "/",
    describeRoute({ tags: ["admin"], summary: "Create a user" }),
    // Up to 200 number ids besides the names.
    limitBody(8 * 1024),
    validate("json", createUser),
    async (c) => {
      const input = c.req.valid("json");
      const db = c.get("db");
      const session = c.get("session");
      const orgId = session.org.id;
      if (await findUserByEmail(db, input.email)) throw conflict("A user with that e-mail already exists.");
      const grants = await checkNumbers(db, orgId, input.numberIds);
      const now = Date.now();
      const [created] = await insertUser(
        db,
        {
          orgId,
          email: input.email,
          name: input.name,
          role: input.role,
          active: input.active,
          smsReplyAlert: input.smsReplyAlert,
          smsReplySound: input.smsReplySound,
          passwordHash: await hashPassword(input.password),
        },
        now,
      );
      if (!created) throw new Error("insert returned no row");
      await grantNewUser(
        db,
        {
          userId: created.id,
          numberIds: grants,
          audit: {
            orgId,
            userId: session.user.id,
            action: "user.create",
            targetType: "user",
            targetId: created.id,
            detail: { role: input.role, numberIds: grants },
          },
        },
        now,
      );
      return c.json({ user: await getUser(db, orgId, created.id) }, 201);
    },
  )
  .patch(
    "/:id",
    describeRoute({
      tags: ["admin"],
      summary: "Update a user (role, privileges, numbers, password, active)",
    }),
    limitBody(8 * 1024),
    validate("param", idParam),
    validate("json", updateUser),
    async (c) => {
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      const db = c.get("db");
      const session = c.get("session");
      const orgId = session.org.id;
      const existing = await getUser(db, orgId, id);
      if (!existing) throw notFound("User");
      if (locksSelfOut(session.user.id, id, input)) {
        throw badRequest("You cannot disable yourself or remove your own admin role.");
      }
      if (input.email && input.email !== existing.email && (await findUserByEmail(db, input.email))) {
        throw conflict("A user with that e-mail already exists.");
      }
      const grants = input.numberIds ? await checkNumbers(db, orgId, input.numberIds) : undefined;
      const { password, numberIds: _ids, ...fields } = input;
      const patch = password ? { ...fields, passwordHash: await hashPassword(password) } : fields;
      const effects = accessEffects(input);
      await applyUserEdit(db, {
        orgId,
        userId: id,
        patch,
        grants,
        signOut: effects.signOut,
        audit: {
          orgId,
          userId: session.user.id,
          action: "user.update",
          targetType: "user",
          targetId: id,
          detail: { fields: Object.keys(input) },
        },
      });
      // The user may have a feed open on any number of the practice they could see before this edit.
      if (effects.closeLiveFeeds) await closeUserSockets(c.env, await listOrgNumberIds(db, orgId), id);
      return c.json({ user: await getUser(db, orgId, id) }, 200);
    },
  );
