import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { PublicEnv } from "../env";
import { createFirstPractice } from "../db/queries/organizations";
import { conflict, forbidden } from "../lib/errors";
import { timingSafeEqual, utf8 } from "../lib/crypto";
import { hashPassword } from "../lib/passwords";
import { emailSchema, passwordSchema, personName, timezoneSchema } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";

const setupSchema = z.strictObject({
  practiceName: z.string().trim().min(1).max(100),
  timezone: timezoneSchema,
  adminName: personName,
  adminEmail: emailSchema,
  adminPassword: passwordSchema,
});

/**
 * First run of a production deployment: creates the practice and its first admin. Guarded by the
 * SETUP_TOKEN secret and refused once any practice exists, so it cannot be used to take over later.
 */
export const setupRoutes = new Hono<PublicEnv>().post(
  "/",
  describeRoute({
    tags: ["setup"],
    summary: "Create the first practice and admin (Authorization: Bearer SETUP_TOKEN; once only)",
  }),
  limitBody(4 * 1024),
  validate("json", setupSchema),
  async (c) => {
    const expected = c.env.SETUP_TOKEN;
    const given = c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
    if (!expected || !timingSafeEqual(utf8(given), utf8(expected))) {
      throw forbidden("A valid setup token is required.", "bad_setup_token");
    }
    const input = c.req.valid("json");
    const created = await createFirstPractice(
      c.get("db"),
      {
        name: input.practiceName,
        timezone: input.timezone,
        adminEmail: input.adminEmail,
        adminName: input.adminName,
        passwordHash: await hashPassword(input.adminPassword),
      },
      Date.now(),
    );
    if (!created) throw conflict("This deployment is already set up.");
    return c.json(created, 201);
  },
);
