import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { Env, StaffEnv } from "../env";
import { auditInsert } from "../db/queries/audit";
import {
  findNumberByE164,
  getOrgNumber,
  insertNumber,
  listVisibleNumbers,
  toNumberView,
  updateNumberRow,
} from "../db/queries/numbers";
import type { Carrier } from "../db/schema";
import { badRequest, conflict, notFound } from "../lib/errors";
import { carrierSchema, idParam, phoneSchema, timezoneSchema } from "../lib/schemas";
import { validate } from "../lib/validate";
import { viewerOf } from "../middleware/session";
import { anyCarrierCredentials } from "../carriers/registry";
import { sealCredentials } from "../messaging/credentials";
import { forgetNumber } from "../messaging/number-cache";
import { limitBody } from "../middleware/body-limit";

/*
 * `credentials` takes any carrier's shape, so a malformed one fails validation naming its field; whether it
 * fits the number's carrier is checked when sealing (messaging/credentials.ts), since a PATCH may not name
 * the carrier.
 */
const createNumber = z.strictObject({
  e164: phoneSchema,
  label: z.string().trim().min(1).max(60),
  carrier: carrierSchema,
  timezone: timezoneSchema.default("America/Chicago"),
  credentials: anyCarrierCredentials.optional(),
});

const updateNumber = z.strictObject({
  label: z.string().trim().min(1).max(60).optional(),
  carrier: carrierSchema.optional(),
  timezone: timezoneSchema.optional(),
  credentials: anyCarrierCredentials.optional(),
});

/**
 * The simulator "sends" nothing and is fed by a route that exists only where SIMULATOR_ENABLED is "true"
 * (routes/simulator.ts). In production a number on it would swallow every text staff send, so refuse it.
 */
function refuseSimulatorWhereOff(env: Pick<Env, "SIMULATOR_ENABLED">, carrier: Carrier) {
  if (carrier === "simulator" && env.SIMULATOR_ENABLED !== "true") {
    throw badRequest("carrier: the simulator is not available here");
  }
}

/** Clinic numbers: everyone lists the ones they may see; admins add and change them. */
export const numberRoutes = new Hono<StaffEnv>().get(
  "/",
  describeRoute({ tags: ["numbers"], summary: "Clinic numbers the signed-in user may see" }),
  async (c) => {
    const numbers = await listVisibleNumbers(c.get("db"), viewerOf(c.get("session")));
    return c.json({ numbers: numbers.map(toNumberView) }, 200);
  },
);

export const adminNumberRoutes = new Hono<StaffEnv>()
  .post(
    "/",
    describeRoute({ tags: ["admin"], summary: "Add a clinic number" }),
    // A label and carrier credentials: a few hundred bytes.
    limitBody(8 * 1024),
    validate("json", createNumber),
    async (c) => {
      const input = c.req.valid("json");
      const db = c.get("db");
      const session = c.get("session");
      refuseSimulatorWhereOff(c.env, input.carrier);
      if (await findNumberByE164(db, input.e164)) throw conflict("That number is already in use.");
      const sealed = await sealCredentials(c.env.CREDENTIALS_KEY, input.carrier, input.credentials);
      const now = Date.now();
      const [created] = await insertNumber(
        db,
        session.org.id,
        { e164: input.e164, label: input.label, carrier: input.carrier, timezone: input.timezone, ...sealed },
        now,
      );
      if (!created) throw new Error("insert returned no row");
      await auditInsert(
        db,
        {
          orgId: session.org.id,
          userId: session.user.id,
          action: "number.create",
          targetType: "clinic_number",
          targetId: created.id,
          detail: { carrier: input.carrier },
        },
        now,
      );
      return c.json({ number: toNumberView(created) }, 201);
    },
  )
  .patch(
    "/:id",
    describeRoute({
      tags: ["admin"],
      summary: "Change a clinic number's label, carrier, credentials or timezone",
    }),
    limitBody(8 * 1024),
    validate("param", idParam),
    validate("json", updateNumber),
    async (c) => {
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      const db = c.get("db");
      const session = c.get("session");
      const existing = await getOrgNumber(db, session.org.id, id);
      if (!existing) throw notFound("Clinic number");
      const carrier = input.carrier ?? existing.carrier;
      const carrierChanged = carrier !== existing.carrier;
      // Only a switch: a number already on the simulator may still be relabelled.
      if (carrierChanged) refuseSimulatorWhereOff(c.env, carrier);
      const sealed =
        input.credentials || carrierChanged
          ? await sealCredentials(c.env.CREDENTIALS_KEY, carrier, input.credentials)
          : {};
      const [updated] = await updateNumberRow(db, session.org.id, id, {
        ...(input.label ? { label: input.label } : {}),
        ...(input.timezone ? { timezone: input.timezone } : {}),
        carrier,
        ...sealed,
      });
      if (!updated) throw notFound("Clinic number");
      // This isolate's webhook cache at once; other isolates' copies are re-checked against D1 on use and
      // expire within a minute (messaging/number-cache.ts).
      forgetNumber(updated.e164);
      await auditInsert(db, {
        orgId: session.org.id,
        userId: session.user.id,
        action: "number.update",
        targetType: "clinic_number",
        targetId: id,
        detail: { fields: Object.keys(input) },
      });
      return c.json({ number: toNumberView(updated) }, 200);
    },
  );
