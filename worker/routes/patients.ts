import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import { auditInsert } from "../db/queries/audit";
import {
  getPatient,
  insertPatient,
  importPatients,
  searchPatients,
  updatePatientRow,
  type PatientCursor,
} from "../db/queries/patients";
import type { Db } from "../db/client";
import type { Patient } from "../db/schema";
import { formatPhone } from "../shared/phone";
import { MAX_IMPORT_ROWS, NotCsvError, parsePatientCsv, TooManyRowsError } from "../domain/patient-csv";
import { AppError, badRequest, notFound, payloadTooLarge } from "../lib/errors";
import { idParam, pageLimit, patientInput, searchText } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";

const pageFields = {
  cursor: z.string().max(500).optional(),
  limit: pageLimit(100, 50),
};
/** The Rolodex in name order, a page at a time: the URL carries only the opaque cursor and the size. */
const listQuery = z.strictObject(pageFields);
/** A search names a patient or a phone, so it travels in the body: Workers Logs record every URL. */
const searchBody = z.strictObject({ q: searchText, ...pageFields });

const importQuery = z.strictObject({ dryRun: z.enum(["true", "false"]).default("false") });

/**
 * The cursor is the id of the page's last patient: the query finds its place in name order by that id, so
 * no name travels in a URL (a cursor of names would be PHI in every log line).
 */
function encodeCursor(cursor: PatientCursor | null) {
  return cursor ? String(cursor.afterId) : null;
}

function decodeCursor(raw: string | undefined): PatientCursor | undefined {
  if (!raw) return undefined;
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw badRequest("cursor: is not a cursor this API returned");
  return { afterId: Number(raw) };
}

async function searchPage(
  db: Db,
  orgId: number,
  input: { q: string; cursor?: string | undefined; limit: number },
) {
  const page = await searchPatients(db, orgId, input.q, decodeCursor(input.cursor), input.limit);
  return { patients: page.patients.map(toPatientView), nextCursor: encodeCursor(page.nextCursor) };
}

/** The patient as the API shows it: with the phone formatted for people next to the E.164 form. */
function toPatientView(p: Patient) {
  return { ...p, phoneDisplay: formatPhone(p.phone) };
}

const MAX_CSV_BYTES = 2 * 1024 * 1024;

/** The Rolodex: every staff member may search, add, edit and import the practice's patients. */
export const patientRoutes = new Hono<StaffEnv>()
  .get(
    "/",
    describeRoute({
      tags: ["patients"],
      summary: "The Rolodex in name order (keyset pages; to search, POST /api/patients/search)",
    }),
    validate("query", listQuery),
    async (c) =>
      c.json(await searchPage(c.get("db"), c.get("session").org.id, { ...c.req.valid("query"), q: "" }), 200),
  )
  .post(
    "/search",
    describeRoute({
      tags: ["patients"],
      summary: "Search the Rolodex by name or phone (keyset pages)",
      description:
        "The search is in the body, not the URL, so no name or phone reaches a log. `nextCursor` is opaque.",
    }),
    limitBody(4 * 1024),
    validate("json", searchBody),
    async (c) => c.json(await searchPage(c.get("db"), c.get("session").org.id, c.req.valid("json")), 200),
  )
  .post(
    "/",
    describeRoute({ tags: ["patients"], summary: "Add a patient" }),
    // Names and up to 2,000 characters of notes.
    limitBody(16 * 1024),
    validate("json", patientInput),
    async (c) => {
      const input = c.req.valid("json");
      const db = c.get("db");
      const session = c.get("session");
      const now = Date.now();
      const [created] = await insertPatient(db, session.org.id, input, now);
      if (!created) throw new Error("insert returned no row");
      await auditInsert(
        db,
        {
          orgId: session.org.id,
          userId: session.user.id,
          action: "patient.create",
          targetType: "patient",
          targetId: created.id,
        },
        now,
      );
      return c.json({ patient: toPatientView(created) }, 201);
    },
  )
  .get(
    "/:id",
    describeRoute({ tags: ["patients"], summary: "One patient" }),
    validate("param", idParam),
    async (c) => {
      const patient = await getPatient(c.get("db"), c.get("session").org.id, c.req.valid("param").id);
      if (!patient) throw notFound("Patient");
      return c.json({ patient: toPatientView(patient) }, 200);
    },
  )
  .patch(
    "/:id",
    describeRoute({ tags: ["patients"], summary: "Edit a patient" }),
    limitBody(16 * 1024),
    validate("param", idParam),
    validate("json", patientInput.partial()),
    async (c) => {
      const { id } = c.req.valid("param");
      const db = c.get("db");
      const session = c.get("session");
      const input = c.req.valid("json");
      const [updated] = await updatePatientRow(db, session.org.id, id, input, Date.now());
      if (!updated) throw notFound("Patient");
      await auditInsert(db, {
        orgId: session.org.id,
        userId: session.user.id,
        action: "patient.update",
        targetType: "patient",
        targetId: id,
        detail: { fields: Object.keys(input) },
      });
      return c.json({ patient: toPatientView(updated) }, 200);
    },
  )
  .post(
    "/import",
    describeRoute({
      tags: ["patients"],
      summary: `Import patients from CSV (header row; at most ${MAX_IMPORT_ROWS} rows). dryRun=true previews.`,
      description:
        "All or nothing: with any row error the import answers 422 with every error and writes nothing.",
      requestBody: { content: { "text/csv": { schema: { type: "string" } } } },
    }),
    limitBody(MAX_CSV_BYTES),
    validate("query", importQuery),
    async (c) => {
      const type = c.req.header("content-type") ?? "";
      if (!/^(text\/csv|application\/vnd\.ms-excel|text\/plain)\b/.test(type)) {
        throw new AppError(415, "unsupported_media_type", "Send the file as text/csv.");
      }
      let parsed;
      try {
        parsed = parsePatientCsv(await c.req.text());
      } catch (error) {
        if (error instanceof TooManyRowsError) throw payloadTooLarge(error.message);
        if (error instanceof NotCsvError) throw badRequest(error.message, "not_csv");
        throw error;
      }
      const preview = parsed.patients.slice(0, 20).map((p) => ({ ...p, phoneDisplay: formatPhone(p.phone) }));
      const report = {
        rowCount: parsed.rowCount,
        valid: parsed.patients.length,
        errors: parsed.errors,
        preview,
      };
      if (c.req.valid("query").dryRun === "true") return c.json({ ...report, imported: 0 }, 200);
      if (parsed.errors.length > 0) {
        return c.json(
          {
            error: {
              code: "invalid_rows",
              message: `${parsed.errors.length} problem(s) found; nothing was imported.`,
            },
            ...report,
          },
          422,
        );
      }
      if (parsed.patients.length === 0) throw badRequest("The file has no patient rows.", "empty_import");
      const db = c.get("db");
      const session = c.get("session");
      const now = Date.now();
      await importPatients(
        db,
        {
          orgId: session.org.id,
          rows: parsed.patients,
          audit: {
            orgId: session.org.id,
            userId: session.user.id,
            action: "patient.import",
            detail: { count: parsed.patients.length },
          },
        },
        now,
      );
      return c.json({ ...report, imported: parsed.patients.length }, 201);
    },
  );
