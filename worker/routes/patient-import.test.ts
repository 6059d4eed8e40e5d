import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, errorOf, seed, signInStaff } from "../test/helpers";

type Report = {
  rowCount: number;
  valid: number;
  imported: number;
  errors: { row: number; field: string; message: string }[];
  error?: { code: string };
};
let staff: string;

beforeAll(async () => {
  await seed();
  staff = await signInStaff();
});

function upload(csv: string, dryRun = false, contentType = "text/csv") {
  return call(`/api/patients/import?dryRun=${dryRun}`, {
    method: "POST",
    cookie: staff,
    body: csv,
    headers: { "content-type": contentType },
  });
}

async function patientCount() {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM patients").first<{ n: number }>();
  return row?.n ?? 0;
}

const GOOD = `First Name,Last Name,Mobile Phone,DOB,Notes
Ada,Lovelace,(555) 777-0001,1815-12-10,"Prefers texts, not calls"
Alan,Turing,555-777-0002,,
`;

describe("CSV import", () => {
  it("previews without writing anything", async ({ expect }) => {
    const before = await patientCount();
    const res = await upload(GOOD, true);
    expect(res.status).toBe(200);
    const report = await res.json<Report>();
    expect(report).toMatchObject({ rowCount: 2, valid: 2, imported: 0, errors: [] });
    expect(await patientCount()).toBe(before);
  });

  it("imports every row of a clean file", async ({ expect }) => {
    const before = await patientCount();
    const res = await upload(GOOD);
    expect(res.status).toBe(201);
    expect((await res.json<Report>()).imported).toBe(2);
    expect(await patientCount()).toBe(before + 2);
    const ada = await env.DB.prepare(
      "SELECT phone, notes FROM patients WHERE last_name = 'Lovelace'",
    ).first();
    expect(ada).toEqual({ phone: "+15557770001", notes: "Prefers texts, not calls" });
  });

  it("reports bad rows by their spreadsheet row number and imports nothing", async ({ expect }) => {
    const before = await patientCount();
    const csv = `first_name,last_name,phone
Good,Row,5557770010
Bad,Phone,not-a-phone
,Nameless,5557770011
`;
    const res = await upload(csv);
    expect(res.status).toBe(422);
    const report = await res.json<Report>();
    expect(report.error?.code).toBe("invalid_rows");
    expect(report.errors.map((e) => [e.row, e.field])).toEqual([
      [3, "phone"],
      [4, "firstName"],
    ]);
    expect(report.errors[0]?.message).toMatch(/not a valid phone/);
    expect(await patientCount()).toBe(before);
  });

  it("refuses a file without the needed columns (not a patient CSV) with 400", async ({ expect }) => {
    const res = await upload("\u0000\u0001binary junk\nmore junk");
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/first name, last name and phone/);
  });

  it("refuses another content type with 415", async ({ expect }) => {
    expect((await upload(GOOD, false, "application/json")).status).toBe(415);
  });

  it("refuses 100,000 rows with 413 and writes nothing", async ({ expect }) => {
    const before = await patientCount();
    const rows = Array.from(
      { length: 100_000 },
      (_, i) => `A${i},B,555777${String(i % 10000).padStart(4, "0")}`,
    );
    const res = await upload(`first,last,phone\n${rows.join("\n")}`);
    expect(res.status).toBe(413);
    expect((await errorOf(res))?.code).toBe("payload_too_large");
    expect(await patientCount()).toBe(before);
  });

  it("imports a 1,000-row file in one transaction", async ({ expect }) => {
    const before = await patientCount();
    const rows = Array.from(
      { length: 1000 },
      (_, i) => `Bulk${i},Import,555888${String(i).padStart(4, "0")}`,
    );
    const res = await upload(`first,last,phone\n${rows.join("\n")}`);
    expect(res.status).toBe(201);
    expect(await patientCount()).toBe(before + 1000);
  });
});
