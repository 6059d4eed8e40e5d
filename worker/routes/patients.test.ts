import { beforeAll, describe, it } from "vitest";
import { call, errorOf, seed, signInStaff } from "../test/helpers";

type PatientView = { id: number; firstName: string; lastName: string; phone: string; phoneDisplay: string };
let staff: string;

beforeAll(async () => {
  await seed();
  staff = await signInStaff();
});

/** A search as the web app sends it: in the body, never in the URL. */
async function search(q: string, cursor?: string) {
  const res = await call("/api/patients/search", {
    cookie: staff,
    json: { q, limit: 10, ...(cursor ? { cursor } : {}) },
  });
  if (res.status !== 200) throw new Error(`search: ${res.status} ${await res.text()}`);
  return res.json<{ patients: PatientView[]; nextCursor: string | null }>();
}

describe("the Rolodex", () => {
  it("adds a patient with the phone normalised to E.164 and shown formatted", async ({ expect }) => {
    const res = await call("/api/patients", {
      cookie: staff,
      json: { firstName: " Rosa ", lastName: "Quintero", phone: "(555) 444-0101", dateOfBirth: "1970-05-06" },
    });
    expect(res.status).toBe(201);
    const { patient } = await res.json<{ patient: PatientView }>();
    expect(patient.firstName).toBe("Rosa");
    expect(patient.phone).toBe("+15554440101");
    expect(patient.phoneDisplay).toBe("(555) 444-0101");
  });

  it("refuses a phone that is not a phone, naming the field, and stores nothing", async ({ expect }) => {
    const res = await call("/api/patients", {
      cookie: staff,
      json: { firstName: "Bad", lastName: "Phonenumber", phone: "12345" },
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res))?.message).toMatch(/^phone: /);
    expect((await search("Phonenumber")).patients).toEqual([]);
  });

  it("refuses a birth date in the future or not a date", async ({ expect }) => {
    for (const dateOfBirth of ["2999-01-01", "1990-02-31", "yesterday"]) {
      const res = await call("/api/patients", {
        cookie: staff,
        json: { firstName: "Time", lastName: "Traveller", phone: "+15554440102", dateOfBirth },
      });
      expect(res.status).toBe(400);
      expect((await errorOf(res))?.message).toMatch(/^dateOfBirth: /);
    }
  });

  it("finds patients by first or last name prefix, any case, and by phone digits", async ({ expect }) => {
    expect((await search("test")).patients.map((p) => p.lastName)).toContain("Patient");
    expect((await search("PATIENT")).patients.map((p) => p.firstName)).toContain("Test");
    expect((await search("test pat")).patients).toHaveLength(1);
    expect((await search("0001111")).patients.map((p) => p.firstName)).toEqual(["Test"]);
    expect((await search("555-000-1111")).patients.map((p) => p.firstName)).toEqual(["Test"]);
  });

  it("shows every patient sharing a family phone", async ({ expect }) => {
    const names = (await search("5550002222")).patients.map((p) => p.firstName).sort();
    expect(names).toEqual(["Diego", "Maria"]);
  });

  it("treats % and _ in a search as letters, not wildcards", async ({ expect }) => {
    expect((await search("%")).patients).toEqual([]);
    expect((await search("_")).patients).toEqual([]);
  });

  it("pages through the whole directory in name order without repeats", async ({ expect }) => {
    const seen: PatientView[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await search("", cursor);
      seen.push(...page.patients);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(new Set(seen.map((p) => p.id)).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(43);
    const keys = seen.map((p) => `${p.lastName.toLowerCase()} ${p.firstName.toLowerCase()}`);
    expect(keys).toEqual([...keys].sort());
  });

  it("refuses a forged cursor with 400", async ({ expect }) => {
    const res = await call("/api/patients?cursor=not-a-cursor", { cookie: staff });
    expect(res.status).toBe(400);
    const old = btoa(encodeURIComponent(JSON.stringify({ lastName: "Alvarez", firstName: "Maria", id: 1 })));
    const forged = await call("/api/patients/search", { cookie: staff, json: { q: "", cursor: old } });
    expect(forged.status).toBe(400);
  });

  it("keeps names and phones out of URLs: the search is refused in the query, and cursors carry no name", async ({
    expect,
  }) => {
    expect((await call("/api/patients?q=Alvarez", { cookie: staff })).status).toBe(400);
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await search("", cursor);
      for (const p of page.patients) {
        seen.add(p.firstName.toLowerCase());
        seen.add(p.lastName.toLowerCase());
      }
      if (!page.nextCursor) break;
      // The cursor is a bare id: no letters, so no name however it is decoded.
      expect(page.nextCursor).toMatch(/^\d+$/);
      cursor = page.nextCursor;
    }
    expect(seen.size).toBeGreaterThan(0);
    // The plain list (GET, name order) walks with the same opaque cursors.
    const listed = await call("/api/patients?limit=2", { cookie: staff });
    const body = await listed.json<{ patients: PatientView[]; nextCursor: string | null }>();
    expect(body.patients).toHaveLength(2);
    const next = await call(`/api/patients?limit=2&cursor=${body.nextCursor ?? ""}`, { cookie: staff });
    const nextBody = await next.json<{ patients: PatientView[] }>();
    expect(nextBody.patients.map((p) => p.id)).not.toContain(body.patients[0]?.id);
  });

  it("edits a patient and refuses unknown fields", async ({ expect }) => {
    const [patient] = (await search("Test Patient")).patients;
    if (!patient) throw new Error("demo patient missing");
    const res = await call(`/api/patients/${patient.id}`, {
      method: "PATCH",
      cookie: staff,
      json: { notes: "Prefers mornings" },
    });
    expect(res.status).toBe(200);
    expect((await res.json<{ patient: { notes: string } }>()).patient.notes).toBe("Prefers mornings");
    const bad = await call(`/api/patients/${patient.id}`, {
      method: "PATCH",
      cookie: staff,
      json: { orgId: 2 },
    });
    expect(bad.status).toBe(400);
  });

  it("answers 404 for a patient that does not exist and 400 for a non-numeric id", async ({ expect }) => {
    expect((await call("/api/patients/999999", { cookie: staff })).status).toBe(404);
    expect((await call("/api/patients/abc", { cookie: staff })).status).toBe(400);
  });
});
