import { Hono, type Context } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import { auditInsert } from "../db/queries/audit";
import { assignableUsers } from "../db/queries/conversations";
import { usersWhoMaySee } from "../db/queries/escalation";
import { getOrgNumber, toNumberView, updateNumberRow, type NumberFields } from "../db/queries/numbers";
// This isolate's webhook cache; other isolates' copies expire, and their webhooks re-check D1 (number-cache.ts).
import { forgetNumber } from "../messaging/number-cache";
import { WEEKDAYS } from "../db/schema";
import { TIME_OF_DAY } from "../domain/after-hours";
import { awayTextProblem } from "../domain/away-reply";
import { badRequest, notFound } from "../lib/errors";
import { idParam, phoneSchema } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";
import { escalationOf } from "../messaging/escalation";
import {
  AFTER_HOURS_WAIT_MINUTES,
  ESCALATION_MINUTES,
  MAX_AFTER_HOURS_PUSH_USERS,
} from "../shared/escalation";

const time = z.string().regex(TIME_OF_DAY, 'must be "HH:MM" (24-hour)');
const day = z
  .strictObject({ open: time, close: time })
  .refine((d) => d.open < d.close, "open must be before close")
  .nullable();

const afterHours = z.strictObject({
  /** Null turns after-hours alerts off. A day left out is closed all day. */
  officeHours: z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, day.optional()]))).nullable(),
  alertPhones: z.array(phoneSchema).max(5),
  quietMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /**
   * The away reply sent once per conversation per closed period (domain/away-reply.ts); null turns it off,
   * left out keeps it as it is. Only `{opensAt}` may appear in it.
   */
  awayMessage: z.string().max(4000).nullable().optional(),
});

const keywordSettings = z.strictObject({
  /** Null: the carrier's default (Twilio answers STOP/START/HELP itself unless its filtering is off). */
  carrierHandlesOptOut: z.boolean().nullable(),
});

const minutesIn = (range: { min: number; max: number; default: number }) =>
  z
    .number()
    .int("must be a whole number of minutes")
    .min(range.min, `must be at least ${range.min}`)
    .max(range.max, `must be at most ${range.max}`)
    .default(range.default);

const escalation = z.strictObject({
  enabled: z.boolean(),
  minutes: minutesIn(ESCALATION_MINUTES),
  /** Pushed first outside office hours; the alert text then waits for someone to open the text. */
  afterHoursPushUserIds: z
    .array(z.number().int().positive())
    .max(MAX_AFTER_HOURS_PUSH_USERS, `lists more than ${MAX_AFTER_HOURS_PUSH_USERS} users`)
    .default([]),
  afterHoursWaitMinutes: minutesIn(AFTER_HOURS_WAIT_MINUTES),
});

const mediaSettings = z.strictObject({
  /** "Delete photos from Twilio after copying": after a verified copy into R2, DELETE the carrier's media. */
  deleteMediaAfterCopy: z.boolean(),
});

/**
 * One admin change to a number: the update (404 if the number is not this practice's), this isolate's cached
 * copy forgotten (other isolates re-check signatures and the store batch, see messaging/number-cache.ts), and
 * its audit row with counts, never phones or texts.
 */
export async function saveNumberSettings(
  c: Context<StaffEnv>,
  id: number,
  patch: Partial<NumberFields>,
  audit: { action: string; detail: Record<string, unknown> },
) {
  const db = c.get("db");
  const session = c.get("session");
  const [updated] = await updateNumberRow(db, session.org.id, id, patch);
  if (!updated) throw notFound("Clinic number");
  forgetNumber(updated.e164);
  await auditInsert(db, {
    orgId: session.org.id,
    userId: session.user.id,
    action: audit.action,
    targetType: "clinic_number",
    targetId: id,
    detail: audit.detail,
  });
  return updated;
}

/** Per-number after-hours alerts, escalation, media and keyword handling. Admin only (mounted under /api/admin). */
export const adminNumberSettingsRoutes = new Hono<StaffEnv>()
  .put(
    "/:id/after-hours",
    describeRoute({
      tags: ["admin"],
      summary:
        "Set a number's office hours, alert phones, quiet period and away reply (`awayMessage`, only `{opensAt}` allowed)",
    }),
    limitBody(4 * 1024),
    validate("param", idParam),
    validate("json", afterHours),
    async (c) => {
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      const db = c.get("db");
      const session = c.get("session");
      const current = await getOrgNumber(db, session.org.id, id);
      if (!current) throw notFound("Clinic number");
      // An empty box is "off", as null is.
      const awayMessage =
        input.awayMessage === undefined
          ? current.awayMessage
          : input.awayMessage?.trim()
            ? input.awayMessage
            : null;
      const problem = awayMessage === null ? null : awayTextProblem(awayMessage);
      if (problem) throw badRequest(problem);
      if (input.officeHours && input.alertPhones.length === 0 && awayMessage === null) {
        throw badRequest(
          "alertPhones: add at least one phone to alert (or an away reply), or set officeHours to null",
        );
      }
      const updated = await saveNumberSettings(
        c,
        id,
        {
          officeHours: input.officeHours,
          alertPhones: [...new Set(input.alertPhones)],
          afterHoursQuietMinutes: input.quietMinutes,
          awayMessage,
        },
        {
          action: "number.after_hours",
          // Counts, never the phones themselves.
          detail: {
            enabled: input.officeHours !== null,
            alertPhones: input.alertPhones.length,
            awayReply: awayMessage !== null,
          },
        },
      );
      return c.json({ number: toNumberView(updated) }, 200);
    },
  )
  .get(
    "/:id/escalation",
    describeRoute({
      tags: ["admin"],
      summary: "A number's escalation setting, and the users who may be pushed first after hours",
    }),
    validate("param", idParam),
    async (c) => {
      const { id } = c.req.valid("param");
      const db = c.get("db");
      const orgId = c.get("session").org.id;
      const number = await getOrgNumber(db, orgId, id);
      if (!number) throw notFound("Clinic number");
      const users = await assignableUsers(db, orgId, id);
      return c.json({ escalation: escalationOf(number), users }, 200);
    },
  )
  .put(
    "/:id/escalation",
    describeRoute({
      tags: ["admin"],
      summary:
        "Set a number's escalation: push everyone after N unanswered minutes in office hours; after hours, push chosen users and hold the alert text M minutes",
    }),
    limitBody(2 * 1024),
    validate("param", idParam),
    validate("json", escalation),
    async (c) => {
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      const db = c.get("db");
      const session = c.get("session");
      const current = await getOrgNumber(db, session.org.id, id);
      if (!current) throw notFound("Clinic number");
      const chosen = [...new Set(input.afterHoursPushUserIds)];
      const allowed = new Set(await usersWhoMaySee(db, session.org.id, id, chosen));
      const refused = chosen.find((userId) => !allowed.has(userId));
      // One message for "another practice's", "inactive" and "no access": ids of other practices do not leak.
      if (refused !== undefined) {
        throw badRequest(
          `afterHoursPushUserIds: user ${refused} is not an active user of this practice who can see this number`,
        );
      }
      const settings = { ...input, afterHoursPushUserIds: chosen };
      const updated = await saveNumberSettings(
        c,
        id,
        { escalation: settings },
        {
          action: "number.escalation",
          detail: {
            enabled: settings.enabled,
            minutes: settings.minutes,
            afterHoursPushUsers: chosen.length,
            afterHoursWaitMinutes: settings.afterHoursWaitMinutes,
          },
        },
      );
      return c.json({ number: toNumberView(updated), escalation: escalationOf(updated) }, 200);
    },
  )
  .put(
    "/:id/keywords",
    describeRoute({
      tags: ["admin"],
      summary:
        "Say whether the number's carrier answers STOP/START/HELP itself (then we never send a second reply)",
    }),
    limitBody(1024),
    validate("param", idParam),
    validate("json", keywordSettings),
    async (c) => {
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      const updated = await saveNumberSettings(
        c,
        id,
        {
          carrierHandlesOptOut: input.carrierHandlesOptOut,
        },
        {
          action: "number.keywords",
          detail: { carrierHandlesOptOut: input.carrierHandlesOptOut },
        },
      );
      return c.json({ number: toNumberView(updated) }, 200);
    },
  )
  .put(
    "/:id/media",
    describeRoute({
      tags: ["admin"],
      summary:
        "Photos: `deleteMediaAfterCopy` deletes each inbound photo from the carrier (Twilio) once it is safely copied into Textdesk",
    }),
    limitBody(1024),
    validate("param", idParam),
    validate("json", mediaSettings),
    async (c) => {
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      const updated = await saveNumberSettings(
        c,
        id,
        {
          deleteMediaAfterCopy: input.deleteMediaAfterCopy,
        },
        {
          action: "number.media",
          detail: { deleteMediaAfterCopy: input.deleteMediaAfterCopy },
        },
      );
      return c.json({ number: toNumberView(updated) }, 200);
    },
  );
