import { z } from "zod";
import { MESSAGE_MAX_LENGTH, MESSAGE_MAX_LENGTH_TEXT } from "../shared/messages";
import { toE164 } from "../shared/phone";
import { CARRIERS, ROLES } from "../db/schema";

/** A phone as typed by a person, normalised to E.164; anything that is not a phone number is refused. */
export const phoneSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(40)
  .transform((value, ctx) => {
    const e164 = toE164(value);
    if (!e164) {
      ctx.addIssue({ code: "custom", message: `"${value}" is not a valid phone number` });
      return z.NEVER;
    }
    return e164;
  });

/** A text's body, up to the length every carrier accepts; each route adds its own rule for the empty text. */
export const messageBody = z
  .string()
  .max(MESSAGE_MAX_LENGTH, `is longer than ${MESSAGE_MAX_LENGTH_TEXT} characters`);

/**
 * The longest search a person types (queue and Rolodex). The search itself keeps to D1's limits however long
 * its words are (worker/shared/search.ts); this bound keeps a request's work small and says so plainly.
 */
export const SEARCH_MAX_LENGTH = 100;
export const searchText = z
  .string()
  .max(SEARCH_MAX_LENGTH, `is longer than ${SEARCH_MAX_LENGTH} characters`)
  .default("");

/**
 * A page size from a query string or a body. `max` is also the most ids a page's follow-up queries pass on,
 * which they send as one JSON parameter (db/queries/chunked.ts inJsonList), so it may exceed D1's 100.
 */
export function pageLimit(max: number, fallback: number) {
  return z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(max, `must be at most ${max}`)
    .default(fallback);
}

/** Clinic number ids in one request (a user's grants): more than a practice could have is a mistake. */
export const MAX_NUMBER_IDS = 200;
export const numberIdList = z
  .array(z.number().int().positive())
  .max(MAX_NUMBER_IDS, `lists more than ${MAX_NUMBER_IDS} clinic numbers`);

export const idParam = z.strictObject({ id: z.coerce.number().int().positive() });

const name = z.string().trim().min(1, "is required").max(100);

/** A calendar day as YYYY-MM-DD that exists ("2024-02-30" and "2024-13-01" do not). */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  // Date.parse first: an impossible month is NaN, and toISOString on it throws a RangeError.
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    "is not a real date",
  );

const isoDate = calendarDay.refine(
  (d) => new Date(`${d}T00:00:00Z`).getTime() <= Date.now(),
  "cannot be in the future",
);

export const patientInput = z.strictObject({
  firstName: name,
  lastName: name,
  phone: phoneSchema,
  dateOfBirth: isoDate.nullish().transform((v) => v ?? null),
  notes: z
    .string()
    .max(2000)
    .nullish()
    .transform((v) => (v ? v : null)),
});
export type PatientInput = z.output<typeof patientInput>;

export const timezoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "is not a known time zone");

export const roleSchema = z.enum(ROLES);
export const carrierSchema = z.enum(CARRIERS);
export const emailSchema = z
  .email()
  .max(200)
  .transform((e) => e.toLowerCase());
export const passwordSchema = z.string().min(10, "must be at least 10 characters").max(200);
export const personName = name;
