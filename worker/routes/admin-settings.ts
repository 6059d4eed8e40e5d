import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import { listAudit } from "../db/queries/audit";
import { getOrganization, updateSettingsAudited } from "../db/queries/organizations";
import { notFound } from "../lib/errors";
import { timezoneSchema } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be "HH:MM" (24-hour)');

const settingsPatch = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    timezone: timezoneSchema.optional(),
    /** The queue shows this many days; older texts go to the archive (and stay in exports). */
    queueWindowDays: z.number().int().min(1).max(90).optional(),
    /** Automatic sign-out after this much inactivity. */
    idleTimeoutMinutes: z
      .number()
      .int()
      .min(5)
      .max(12 * 60)
      .optional(),
    /** Campaign texts wait for this window in the patient's local time (FCC 64.1200(c)(1): 8 a.m.–9 p.m.). */
    quietHoursStart: timeOfDay.optional(),
    quietHoursEnd: timeOfDay.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, "name at least one setting to change")
  .refine(
    (p) => !p.quietHoursStart || !p.quietHoursEnd || p.quietHoursStart < p.quietHoursEnd,
    "quietHoursStart must be before quietHoursEnd",
  );

const auditQuery = z.strictObject({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Admin: the practice's own settings and its audit trail. */
export const adminSettingsRoutes = new Hono<StaffEnv>()
  .get("/settings", describeRoute({ tags: ["admin"], summary: "Practice settings" }), async (c) => {
    const org = await getOrganization(c.get("db"), c.get("session").org.id);
    if (!org) throw notFound("Practice");
    return c.json({ settings: org }, 200);
  })
  .patch(
    "/settings",
    describeRoute({ tags: ["admin"], summary: "Change practice settings" }),
    limitBody(4 * 1024),
    validate("json", settingsPatch),
    async (c) => {
      const input = c.req.valid("json");
      const db = c.get("db");
      const session = c.get("session");
      const org = await updateSettingsAudited(db, session.org.id, input, {
        orgId: session.org.id,
        userId: session.user.id,
        action: "settings.update",
        detail: { fields: Object.keys(input) },
      });
      if (!org) throw notFound("Practice");
      return c.json({ settings: org }, 200);
    },
  )
  .get(
    "/audit",
    describeRoute({ tags: ["admin"], summary: "Audit trail, newest first (keyset by id)" }),
    validate("query", auditQuery),
    async (c) => {
      const { before, limit } = c.req.valid("query");
      const entries = await listAudit(c.get("db"), c.get("session").org.id, before, limit);
      return c.json({ entries }, 200);
    },
  );
