import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, it } from "vitest";
import worker from "../index";
import { historyExports } from "../db/schema";
import { call, DEMO, seed, signInStaff } from "../test/helpers";
import { requestExport, waitForExport } from "../test/export-helpers";
import { demoIds, seedConversation, seedMessages, testDb } from "../test/messages-fixture";
import { EXPORT_TTL_MS } from "./export-history";

const db = testDb();

beforeAll(async () => {
  await seed();
  const ids = await demoIds(db);
  const now = Date.now();
  const conversationId = await seedConversation(db, ids.orgId, ids.mainNumberId, DEMO.testPatientPhone, now);
  await seedMessages(db, { orgId: ids.orgId, numberId: ids.mainNumberId, conversationId }, [
    { body: "hi", createdAt: now - 1000 },
  ]);
});

it("the hourly cron deletes expired export files and fails exports whose run died", async ({ expect }) => {
  const staff = await signInStaff();
  const json = { numberId: (await demoIds(db)).mainNumberId, phone: DEMO.testPatientPhone };
  const done = await waitForExport(staff, (await requestExport(staff, json)).id);
  const fresh = await waitForExport(staff, (await requestExport(staff, json)).id);
  const row = await db.query.historyExports.findFirst({ where: eq(historyExports.id, done.id) });
  const key = row?.r2Key ?? "";
  expect(await env.HISTORY.head(key)).not.toBeNull();
  // A third export whose isolate died mid-run: still "running" an hour later.
  const stuck = (await requestExport(staff, json)).id;
  await waitForExport(staff, stuck);
  await db
    .update(historyExports)
    .set({ status: "running", startedAt: Date.now() - 3_600_000 })
    .where(eq(historyExports.id, stuck));
  await db
    .update(historyExports)
    .set({ expiresAt: Date.now() - 1 })
    .where(eq(historyExports.id, done.id));

  const ctx = createExecutionContext();
  await worker.scheduled(
    createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }),
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);

  expect(await env.HISTORY.head(key)).toBeNull();
  const after = await db.query.historyExports.findMany();
  expect(after.find((e) => e.id === done.id)).toMatchObject({ status: "expired", r2Key: null });
  expect(after.find((e) => e.id === fresh.id)?.status).toBe("done");
  const interrupted = after.find((e) => e.id === stuck);
  expect(interrupted?.status).toBe("failed");
  expect(interrupted?.error).toContain("interrupted");
  expect((await call(`/api/exports/${done.id}/download`, { cookie: staff })).status).toBe(404);
  expect(after.find((e) => e.id === fresh.id)?.expiresAt).toBeGreaterThan(
    Date.now() + EXPORT_TTL_MS - 60_000,
  );
});
