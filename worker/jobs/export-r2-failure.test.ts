import { env } from "cloudflare:workers";
import { beforeAll, it } from "vitest";
import { createDb } from "../db/client";
import { insertExport } from "../db/queries/exports";
import { call, DEMO, seed, signInStaff } from "../test/helpers";
import { faultyBucket } from "../test/archive-reader";
import { download, parseCsv, waitForExport, type ExportView } from "../test/export-helpers";
import {
  demoIds,
  seedConversation,
  seedMessages,
  series,
  testDb,
  type DemoIds,
} from "../test/messages-fixture";
import { runExport } from "./export-history";

const db = testDb();
let ids: DemoIds;
let conversationId = 0;
// 600 bodies of 10 KB: ~6 MB, more than one 5 MiB multipart part.
const ROWS = 600;

beforeAll(async () => {
  await seed();
  ids = await demoIds(db);
  const now = Date.now();
  conversationId = await seedConversation(db, ids.orgId, ids.mainNumberId, DEMO.testPatientPhone, now);
  const rows = series(ROWS, now - ROWS * 1000, 1000).map((m) => ({
    ...m,
    body: `${m.body} ${"x".repeat(10_000)}`,
  }));
  await seedMessages(db, { orgId: ids.orgId, numberId: ids.mainNumberId, conversationId }, rows);
});

it("R2 failing mid-export marks it failed with a reason, offers no file, and a retry succeeds", async ({
  expect,
}) => {
  const job = await insertExport(
    db,
    {
      orgId: ids.orgId,
      userId: ids.staffId,
      numberId: ids.mainNumberId,
      conversationId,
      phone: DEMO.testPatientPhone,
      rangeFrom: null,
      rangeTo: null,
      format: "csv",
    },
    Date.now(),
  );
  const bucket = faultyBucket(env.HISTORY, { uploadPart: 2 });
  expect(await runExport({ db: createDb(env.DB), bucket }, job.id)).toBe("failed");

  const staff = await signInStaff();
  const listed = await (await call("/api/exports", { cookie: staff })).json<{ exports: ExportView[] }>();
  expect(listed.exports.map((e) => [e.id, e.status, e.downloadUrl])).toEqual([[job.id, "failed", null]]);
  expect(listed.exports[0]?.error).toContain("storage");
  expect((await call(`/api/exports/${job.id}/download`, { cookie: staff })).status).toBe(404);
  expect((await env.HISTORY.list({ prefix: "exports/" })).objects).toEqual([]);

  const retry = await call(`/api/exports/${job.id}/retry`, { cookie: staff, method: "POST" });
  expect(retry.status).toBe(202);
  const done = await waitForExport(staff, job.id, 20_000);
  expect(done).toMatchObject({ status: "done", rows: ROWS, error: null });
  const records = parseCsv(await (await download(staff, done)).arrayBuffer());
  expect(records).toHaveLength(ROWS);
  expect(records.at(-1)?.Message?.startsWith(`msg ${ROWS - 1} x`)).toBe(true);
});
