import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, it } from "vitest";
import { historyExports } from "../db/schema";
import { call, DEMO, errorOf, seed, signIn, signInAdmin, signInStaff } from "../test/helpers";
import { requestExport, waitForExport } from "../test/export-helpers";
import { demoIds, seedConversation, seedMessages, testDb, type DemoIds } from "../test/messages-fixture";
import { seedOtherPractice } from "../test/other-practice";

const db = testDb();
let ids: DemoIds;
let other: Awaited<ReturnType<typeof seedOtherPractice>>;

beforeAll(async () => {
  await seed();
  ids = await demoIds(db);
  other = await seedOtherPractice();
  const now = Date.now();
  const mine = await seedConversation(db, ids.orgId, ids.mainNumberId, DEMO.testPatientPhone, now);
  await seedMessages(db, { orgId: ids.orgId, numberId: ids.mainNumberId, conversationId: mine }, [
    { body: "hello", createdAt: now - 1000 },
  ]);
  const theirs = await seedConversation(db, other.org.id, other.number.id, other.patient.phone, now);
  await seedMessages(db, { orgId: other.org.id, numberId: other.number.id, conversationId: theirs }, [
    { body: "private", createdAt: now - 1000 },
  ]);
});

describe("who may export what", () => {
  it("another practice's conversation is 404, whether named by their number or by ours", async ({
    expect,
  }) => {
    const admin = await signInAdmin();
    const theirs = await call("/api/exports", {
      cookie: admin,
      json: { numberId: other.number.id, phone: other.patient.phone },
    });
    expect(theirs.status).toBe(404);
    const ours = await call("/api/exports", {
      cookie: admin,
      json: { numberId: ids.mainNumberId, phone: other.patient.phone },
    });
    expect(ours.status).toBe(404);
  });

  it("a signed-out request is 401", async ({ expect }) => {
    expect((await call("/api/exports")).status).toBe(401);
  });

  it("only an admin may export a date range, and the range must be forwards and at most 366 days", async ({
    expect,
  }) => {
    const staff = await signInStaff();
    const admin = await signInAdmin();
    const range = (from: string, to: string) => ({ numberId: ids.mainNumberId, from, to });
    expect(
      (await call("/api/exports", { cookie: staff, json: range("2026-01-01", "2026-01-31") })).status,
    ).toBe(403);
    const backwards = await call("/api/exports", { cookie: admin, json: range("2026-02-01", "2026-01-01") });
    expect(backwards.status).toBe(400);
    expect((await errorOf(backwards))?.message).toContain("after from");
    expect(
      (await call("/api/exports", { cookie: admin, json: range("2024-01-01", "2025-01-01") })).status,
    ).toBe(400);
    expect(
      (await call("/api/exports", { cookie: admin, json: range("2026-02-30", "2026-03-01") })).status,
    ).toBe(400);
    // A month that does not exist is the caller's mistake (400 naming the field), not our 500.
    for (const [from, to, field] of [
      ["2024-13-01", "2025-01-01", "from"],
      ["2024-01-01", "2024-00-10", "to"],
    ] as const) {
      const impossible = await call("/api/exports", { cookie: admin, json: range(from, to) });
      expect(impossible.status).toBe(400);
      expect((await errorOf(impossible))?.message).toBe(`${field}: is not a real date`);
    }
    const ok = await requestExport(admin, range("2025-01-01", "2025-12-31"));
    expect((await waitForExport(admin, ok.id)).status).toBe("done");
  });
});

describe("an export belongs to the user who made it", () => {
  it("another user cannot see, download or retry it (404), even an admin of the same practice", async ({
    expect,
  }) => {
    const staff = await signInStaff();
    const done = await waitForExport(
      staff,
      (await requestExport(staff, { numberId: ids.mainNumberId, phone: DEMO.testPatientPhone })).id,
    );
    expect(done.status).toBe("done");
    for (const cookie of [
      await signInAdmin(),
      await signIn(other.credentials.email, other.credentials.password),
    ]) {
      expect((await call(`/api/exports/${done.id}`, { cookie })).status).toBe(404);
      expect((await call(`/api/exports/${done.id}/download`, { cookie })).status).toBe(404);
      expect((await call(`/api/exports/${done.id}/retry`, { cookie, method: "POST" })).status).toBe(404);
      const list = await (await call("/api/exports", { cookie })).json<{ exports: { id: number }[] }>();
      expect(list.exports.map((e) => e.id)).not.toContain(done.id);
    }
    expect((await call(`/api/exports/${done.id}/download`, { cookie: staff })).status).toBe(200);
    // Only failed exports can be retried.
    expect((await call(`/api/exports/${done.id}/retry`, { cookie: staff, method: "POST" })).status).toBe(409);
  });

  it("a file past its expiresAt is refused with 410 even while the cron has not deleted it yet", async ({
    expect,
  }) => {
    const staff = await signInStaff();
    const done = await waitForExport(
      staff,
      (await requestExport(staff, { numberId: ids.mainNumberId, phone: DEMO.testPatientPhone })).id,
    );
    expect((await call(`/api/exports/${done.id}/download`, { cookie: staff })).status).toBe(200);
    await db
      .update(historyExports)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(historyExports.id, done.id));
    const row = await db.query.historyExports.findFirst({ where: eq(historyExports.id, done.id) });
    // Still in R2: only the download check stands between the caller and the file.
    expect(await env.HISTORY.head(row?.r2Key ?? "")).not.toBeNull();
    const refused = await call(`/api/exports/${done.id}/download`, { cookie: staff });
    expect(refused.status).toBe(410);
    expect((await errorOf(refused))?.code).toBe("export_expired");
  });

  it("files live only in the private bucket, under keys without phone numbers", async ({ expect }) => {
    const listed = await env.HISTORY.list({ prefix: "exports/" });
    expect(listed.objects.length).toBeGreaterThan(0);
    for (const o of listed.objects) expect(o.key).not.toMatch(/\+?1?555\d{7}/);
  });
});
