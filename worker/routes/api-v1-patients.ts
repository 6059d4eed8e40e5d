import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { PracticeApiEnv } from "../env";
import { upsertPatients, type SyncedPatient } from "../db/queries/patient-sync";
import { payloadTooLarge } from "../lib/errors";
import { patientInput, timezoneSchema } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";
import { requestExample } from "./api-v1-examples";

export const MAX_PATIENTS_PER_CALL = 1000;

const syncedPatient = patientInput.extend({
  externalId: z.string().trim().min(1, "is required").max(100),
  timezone: timezoneSchema.nullish().transform((v) => v ?? null),
});

type RecordResult =
  | { index: number; externalId: string; status: "created" | "updated"; id: number }
  | {
      index: number;
      externalId: string | null;
      status: "invalid";
      errors: { field: string; message: string }[];
    };

const example = {
  patients: [
    { externalId: "PMS-1001", firstName: "Maria", lastName: "Alvarez", phone: "+15550002222" },
    {
      externalId: "PMS-1002",
      firstName: "Diego",
      lastName: "Alvarez",
      phone: "(555) 000-2222",
      dateOfBirth: "2014-07-30",
      timezone: "America/Denver",
    },
    { externalId: "PMS-1003", firstName: "", lastName: "Nobody", phone: "12" },
  ],
};

/** The envelope only: each record is checked on its own so one bad row does not sink the batch. */
const upsertBody = z.strictObject({ patients: z.array(z.unknown()).min(1, "send at least one patient") });

/** Patient sync from the practice-management system, keyed by its own patient id. */
export const apiV1PatientRoutes = new Hono<PracticeApiEnv>().post(
  "/",
  describeRoute({
    tags: ["practice-system API"],
    summary: "Create or update up to 1,000 patients by externalId, with a result per record",
    description:
      "Valid records are stored in one transaction; invalid ones are reported with the field at fault and " +
      "stored not at all. More than 1,000 records: 413.",
    security: [{ apiKey: [] }],
    responses: {
      200: {
        description: "One result per record, in the order sent",
        content: {
          "application/json": {
            example: {
              results: [
                { index: 0, externalId: "PMS-1001", status: "updated", id: 2 },
                { index: 1, externalId: "PMS-1002", status: "created", id: 44 },
                {
                  index: 2,
                  externalId: "PMS-1003",
                  status: "invalid",
                  errors: [
                    { field: "firstName", message: "is required" },
                    { field: "phone", message: '"12" is not a valid phone number' },
                  ],
                },
              ],
              summary: { created: 1, updated: 1, invalid: 1 },
            },
          },
        },
      },
      401: { description: "Unknown or revoked API key" },
      413: { description: "More than 1,000 patients" },
      429: { description: "Rate limit; see Retry-After" },
    },
  }),
  // 1,000 records of about 1 KB (names, phone, up to 2,000 characters of notes), with room to spare.
  limitBody(2 * 1024 * 1024),
  validate("json", upsertBody),
  requestExample(upsertBody, example),
  async (c) => {
    const { patients } = c.req.valid("json");
    if (patients.length > MAX_PATIENTS_PER_CALL) {
      throw payloadTooLarge(`At most ${MAX_PATIENTS_PER_CALL} patients per call; split the batch.`);
    }
    const { keyId, org } = c.get("apiKey");
    const results: RecordResult[] = [];
    const valid: { index: number; row: SyncedPatient }[] = [];
    const seen = new Set<string>();
    patients.forEach((raw, index) => {
      const parsed = syncedPatient.safeParse(raw);
      const externalId = externalIdOf(raw);
      if (!parsed.success) {
        const errors = parsed.error.issues.map((i) => ({
          field: i.path.join(".") || "record",
          message: i.message,
        }));
        return results.push({ index, externalId, status: "invalid", errors });
      }
      if (seen.has(parsed.data.externalId)) {
        const errors = [{ field: "externalId", message: "appears more than once in this request" }];
        return results.push({ index, externalId, status: "invalid", errors });
      }
      seen.add(parsed.data.externalId);
      valid.push({ index, row: parsed.data });
    });
    const now = Date.now();
    const outcomes = await upsertPatients(
      c.get("db"),
      org.id,
      valid.map((v) => v.row),
      { keyId },
      now,
    );
    const byExternalId = new Map(outcomes.map((o) => [o.externalId, o]));
    for (const { index, row } of valid) {
      const outcome = byExternalId.get(row.externalId);
      if (!outcome) throw new Error("upsert returned no row for a record");
      const status = outcome.created ? "created" : "updated";
      results.push({ index, externalId: row.externalId, status, id: outcome.id });
    }
    results.sort((a, b) => a.index - b.index);
    const count = (status: RecordResult["status"]) => results.filter((r) => r.status === status).length;
    return c.json(
      {
        results,
        summary: { created: count("created"), updated: count("updated"), invalid: count("invalid") },
      },
      200,
    );
  },
);

function externalIdOf(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null || !("externalId" in raw)) return null;
  return typeof raw.externalId === "string" ? raw.externalId : null;
}
