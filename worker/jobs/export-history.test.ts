import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, it } from "vitest";
import worker from "../index";
import { DEMO, seed, signInStaff } from "../test/helpers";
import { download, parseCsv, requestExport, waitForExport } from "../test/export-helpers";
import { demoIds, messageIds, seedHistory, testDb } from "../test/messages-fixture";

const db = testDb();
const now = Date.now();
let history: Awaited<ReturnType<typeof seedHistory>>;
let numberId = 0;

beforeAll(async () => {
  await seed();
  const ids = await demoIds(db);
  numberId = ids.mainNumberId;
  history = await seedHistory(db, { orgId: ids.orgId, numberId }, DEMO.testPatientPhone, {
    old: 50,
    recent: 7,
    now,
  });
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
});

it("exports the archived and the live messages of a conversation, oldest first, once each", async ({
  expect,
}) => {
  // The premise: the old part really is only in R2 now.
  expect(await messageIds(db, history.conversationId)).toEqual(history.recentIds);

  const staff = await signInStaff();
  const requested = await requestExport(staff, { numberId, phone: DEMO.testPatientPhone });
  const done = await waitForExport(staff, requested.id);
  expect(done).toMatchObject({ status: "done", rows: 57 });

  const res = await download(staff, done);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${done.fileName}"`);
  expect(res.headers.get("content-type")).toContain("text/csv");
  const records = parseCsv(await res.arrayBuffer());
  const expected = [
    ...Array.from({ length: 50 }, (_, i) => `old ${i}`),
    ...Array.from({ length: 7 }, (_, i) => `recent ${i}`),
  ];
  expect(records.map((r) => r.Message)).toEqual(expected);
  expect(records[0]).toMatchObject({
    "Patient phone": "(555) 000-1111",
    Direction: "inbound",
    Kind: "reply",
  });
  // Dates are in the practice's timezone, oldest first.
  const stamps = records.map((r) => `${r["Date (America/Chicago)"] ?? ""} ${r.Time ?? ""}`);
  expect([...stamps].sort()).toEqual(stamps);
  expect(records.at(-1)?.["Date (America/Chicago)"]).not.toBe(records[0]?.["Date (America/Chicago)"]);

  const audit = await db.query.auditLog.findMany({ where: (a, { like }) => like(a.action, "export.%") });
  expect(audit.map((a) => a.action).sort()).toEqual(["export.create", "export.download"]);
  expect(JSON.stringify(audit)).not.toContain(DEMO.testPatientPhone);
});
