import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, it } from "vitest";
import { createDb } from "../client";
import { patients, users } from "../schema";
import { DEMO } from "../seed-demo";
import { seed } from "../../test/helpers";
import { findNumberByE164 } from "./numbers";
import { searchPatients } from "./patients";
import { liveEventsAfter } from "./live-events";
import { listQueue, unreadCounts, withPeople } from "./queue";
import { grantNewUser, listUsers, numberIdsInOrg } from "./users";

// Every test here runs under worker/test/d1-limits.ts: a statement over D1's 100 bound parameters or with a
// LIKE pattern over 50 bytes throws, as it would in production.

const db = createDb(env.DB);
const SPREAD = 130;
let orgId = 0;
let numberId = 0;

beforeAll(async () => {
  await seed();
  const number = await findNumberByE164(db, DEMO.mainNumber);
  if (!number) throw new Error("no demo number");
  orgId = number.orgId;
  numberId = number.id;
  // More conversations (each with its own patient, all named Spread…) than one page or one IN list holds.
  const rows = JSON.stringify(
    Array.from({ length: SPREAD }, (_, i) => ({ phone: `+1555900${String(i).padStart(4, "0")}`, i })),
  );
  await db.run(sql`insert into conversations (org_id, number_id, phone, last_message_at, unread, created_at)
    select ${orgId}, ${numberId}, j.value ->> 'phone', ${Date.now()} - (j.value ->> 'i'), 1, 0
    from json_each(${rows}) as j`);
  await db.run(sql`insert into patients (org_id, first_name, last_name, phone, created_at, updated_at)
    select ${orgId}, 'Pat' || (j.value ->> 'i'), 'Spread', j.value ->> 'phone', 0, 0 from json_each(${rows}) as j`);
});

const longName = "Bartholomew-Maximilian-Fitzgerald-Worthington-Smythe-Jones";

describe("the Rolodex search within D1's limits", () => {
  it("answers a 60-digit search (no phone has that many digits)", async ({ expect }) => {
    const page = await searchPatients(db, orgId, "1".repeat(60), undefined, 100);
    expect(page.patients).toEqual([]);
  });

  it("answers a 15-digit search that is a whole phone", async ({ expect }) => {
    const page = await searchPatients(db, orgId, "15559000007", undefined, 100);
    expect(page.patients.map((p) => p.phone)).toEqual(["+15559000007"]);
  });

  it("answers a name longer than a LIKE pattern, cut the way the queue cuts it", async ({ expect }) => {
    const [created] = await db
      .insert(patients)
      .values({ orgId, firstName: "Ann", lastName: longName, phone: "+15558880000", createdAt: 0 })
      .returning();
    const page = await searchPatients(db, orgId, `${longName}${longName}`, undefined, 100);
    expect(page.patients.map((p) => p.id)).toContain(created?.id);
  });

  it("answers 50 words, a page of 100 and a cursor", async ({ expect }) => {
    const words = Array.from({ length: 50 }, (_, i) => `w${i}`).join(" ");
    expect((await searchPatients(db, orgId, words, undefined, 100)).patients).toEqual([]);
    const first = await searchPatients(db, orgId, "Spread", undefined, 100);
    expect(first.patients).toHaveLength(100);
    const rest = await searchPatients(db, orgId, "Spread", first.nextCursor ?? undefined, 100);
    expect(rest.patients).toHaveLength(SPREAD - 100);
  });

  it("answers 100 characters of unicode and wildcards", async ({ expect }) => {
    for (const q of ["é".repeat(100), "%".repeat(100), "_\\%".repeat(33), "🛑".repeat(50), "a ".repeat(50)]) {
      await expect(searchPatients(db, orgId, q, undefined, 100)).resolves.toBeDefined();
    }
  });
});

describe("the queue within D1's limits", () => {
  const filter = {
    since: 0,
    unreadOnly: false,
    view: "open" as const,
    userId: 1,
    cursor: undefined,
    limit: 100,
  };

  it("lists a page of 100 conversations with their people", async ({ expect }) => {
    const page = await listQueue(db, { ...filter, numberId, orgId, query: "" });
    expect(page.conversations).toHaveLength(100);
    expect(page.conversations.every((c) => c.patients.length > 0)).toBe(true);
  });

  it("finds more patients by name than one IN list holds, and unread only", async ({ expect }) => {
    const page = await listQueue(db, { ...filter, numberId, orgId, query: "Spread", unreadOnly: true });
    expect(page.conversations.length).toBeGreaterThan(0);
    expect(page.conversations.every((c) => c.patients.some((p) => p.lastName === "Spread"))).toBe(true);
    // Mine binds the user id twice more: 80 phones and every other parameter still fit.
    const mine = { ...filter, numberId, orgId, query: "Spread", unreadOnly: true, view: "mine" as const };
    await expect(listQueue(db, mine)).resolves.toBeDefined();
  });

  it("answers long, many-word, digit and unicode searches", async ({ expect }) => {
    const queries = [
      "1".repeat(60),
      "555 900",
      Array.from({ length: 50 }, (_, i) => `w${i}`).join(" "),
      `${longName}${longName}`,
      "é".repeat(100),
      "🛑".repeat(50),
    ];
    for (const query of queries) {
      await expect(listQueue(db, { ...filter, numberId, orgId, query })).resolves.toBeDefined();
    }
  });

  it("adds people to more rows than one IN list holds", async ({ expect }) => {
    const rows = await db.query.conversations.findMany({ where: (c, { eq }) => eq(c.numberId, numberId) });
    expect(rows.length).toBeGreaterThan(100);
    expect(await withPeople(db, orgId, rows)).toHaveLength(rows.length);
  });

  it("counts unread for more numbers than one IN list holds", async ({ expect }) => {
    const ids = [numberId, ...Array.from({ length: 150 }, (_, i) => 100_000 + i)];
    const counts = await unreadCounts(db, ids, 0);
    expect(counts.find((c) => c.numberId === numberId)?.unread).toBeGreaterThanOrEqual(SPREAD);
  });
});

describe("IN lists longer than D1's 100 bound parameters", () => {
  const manyIds = () => [numberId, ...Array.from({ length: 150 }, (_, i) => 100_000 + i)];

  it("lists a practice with 150 users and their numbers", async ({ expect }) => {
    const emails = JSON.stringify(Array.from({ length: 150 }, (_, i) => `user${i}@limits.test`));
    await db.run(sql`insert into users (org_id, email, name, password_hash, created_at)
      select ${orgId}, j.value, j.value, 'x', 0 from json_each(${emails}) as j`);
    expect((await listUsers(db, orgId)).length).toBeGreaterThan(150);
  });

  it("checks 151 number ids against the practice", async ({ expect }) => {
    expect(await numberIdsInOrg(db, orgId, manyIds())).toEqual([numberId]);
  });

  it("reads live events for 151 numbers", async ({ expect }) => {
    await expect(liveEventsAfter(db, manyIds(), 0, 10)).resolves.toBeDefined();
  });
});

describe("multi-row inserts under D1's 100 bound parameters", () => {
  it("grants a user 120 clinic numbers in one transaction", async ({ expect }) => {
    const e164s = JSON.stringify(
      Array.from({ length: 120 }, (_, i) => `+1555700${String(i).padStart(4, "0")}`),
    );
    await db.run(sql`insert into clinic_numbers (org_id, e164, label, carrier, created_at)
      select ${orgId}, j.value, j.value, 'simulator', 0 from json_each(${e164s}) as j`);
    const numbers = await db.query.clinicNumbers.findMany({
      where: (n, { like }) => like(n.e164, "+1555700%"),
    });
    const [user] = await db
      .insert(users)
      .values({ orgId, email: "grants@limits.test", name: "Grants", passwordHash: "x", createdAt: 0 })
      .returning();
    if (!user) throw new Error("no user");
    const audit = { orgId, userId: null, action: "user.create" };
    await grantNewUser(db, { userId: user.id, numberIds: numbers.map((n) => n.id), audit }, 0);
    const grants = await db.query.userNumbers.findMany({ where: (g, { eq }) => eq(g.userId, user.id) });
    expect(grants).toHaveLength(120);
  });
});
