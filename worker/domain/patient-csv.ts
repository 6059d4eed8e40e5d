import Papa from "papaparse";
import { patientInput, type PatientInput } from "../lib/schemas";

/** Large enough for a practice's whole directory, small enough to validate and insert in one request. */
export const MAX_IMPORT_ROWS = 5000;

export type ImportError = { row: number; field: string; message: string };
export type ParsedImport = { patients: PatientInput[]; errors: ImportError[]; rowCount: number };

/** Header spellings people export from practice systems and spreadsheets, folded to one field name. */
const HEADER_ALIASES: Record<string, keyof PatientInput> = {
  firstname: "firstName",
  first: "firstName",
  givenname: "firstName",
  lastname: "lastName",
  last: "lastName",
  surname: "lastName",
  familyname: "lastName",
  phone: "phone",
  mobile: "phone",
  mobilephone: "phone",
  cell: "phone",
  cellphone: "phone",
  phonenumber: "phone",
  dateofbirth: "dateOfBirth",
  dob: "dateOfBirth",
  birthdate: "dateOfBirth",
  notes: "notes",
  note: "notes",
};

const REQUIRED: (keyof PatientInput)[] = ["firstName", "lastName", "phone"];

export class TooManyRowsError extends Error {}
export class NotCsvError extends Error {}

/**
 * Parses and validates a patient CSV without writing anything. Row numbers are the file's line numbers
 * as a spreadsheet shows them (the header is row 1), so a clinic can find the bad row.
 */
export function parsePatientCsv(text: string): ParsedImport {
  const result = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (h) => HEADER_ALIASES[h.toLowerCase().replace(/[^a-z]/g, "")] ?? h,
  });
  const fields = result.meta.fields ?? [];
  const missing = REQUIRED.filter((f) => !fields.includes(f));
  if (missing.length > 0) {
    throw new NotCsvError(
      `The file needs a header row with columns for first name, last name and phone (missing: ${missing.join(", ")}).`,
    );
  }
  if (result.data.length > MAX_IMPORT_ROWS) {
    throw new TooManyRowsError(
      `The file has ${result.data.length} rows; import at most ${MAX_IMPORT_ROWS} at a time.`,
    );
  }
  const errors: ImportError[] = [];
  for (const e of result.errors) {
    if (e.row !== undefined && e.code !== "TooFewFields" && e.code !== "TooManyFields") {
      errors.push({ row: e.row + 2, field: "", message: e.message });
    }
  }
  const patients: PatientInput[] = [];
  result.data.forEach((raw, index) => {
    const row = index + 2;
    const parsed = patientInput.safeParse({
      firstName: raw.firstName ?? "",
      lastName: raw.lastName ?? "",
      phone: raw.phone ?? "",
      dateOfBirth: raw.dateOfBirth?.trim() || null,
      notes: raw.notes?.trim() || null,
    });
    if (parsed.success) patients.push(parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        errors.push({ row, field: String(issue.path[0] ?? ""), message: issue.message });
      }
    }
  });
  return { patients, errors, rowCount: result.data.length };
}
