import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, it } from "vitest";
import worker from "../index";
import { seed } from "../test/helpers";
import { archivedRows } from "../test/archive-reader";
import { utcDay } from "./archive-format";
import { pruneAndArchive } from "./prune-and-archive";
import {
  DAY_MS,
  demoIds,
  messageIds,
  seedConversation,
  seedMessages,
  series,
  testDb,
} from "../test/messages-fixture";

const db = testDb();
const now = Date.now();
let conversationId = 0;
let oldIds: number[] = [];
let recentIds: number[] = [];

beforeAll(async () => {
  await seed();
  const ids = await demoIds(db);
  conversationId = await seedConversation(db, ids.orgId, ids.mainNumberId, "+15550001111", now - DAY_MS);
  const conv = { orgId: ids.orgId, numberId: ids.mainNumberId, conversationId };
  // 30 messages spread over 40 to 37 days ago, then 5 from yesterday; the demo window is 10 days.
  await seedMessages(db, conv, series(30, now - 40 * DAY_MS, 3 * 3_600_000, "old"));
  oldIds = await messageIds(db, conversationId);
  await seedMessages(db, conv, series(5, now - DAY_MS, 60_000, "recent"));
  recentIds = (await messageIds(db, conversationId)).filter((id) => !oldIds.includes(id));
});

it("moves messages older than the window to R2 and out of D1, keeping recent ones and the conversation", async ({
  expect,
}) => {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);

  expect(await messageIds(db, conversationId)).toEqual(recentIds);
  const archived = await archivedRows();
  expect(archived.map((r) => r.id).sort((a, b) => a - b)).toEqual(oldIds);
  expect(archived.every((r) => r.body.startsWith("old "))).toBe(true);

  const manifests = await db.query.archiveObjects.findMany();
  expect(manifests.length).toBeGreaterThan(0);
  expect(manifests.every((m) => m.status === "pruned")).toBe(true);
  expect(manifests.reduce((sum, m) => sum + m.rows, 0)).toBe(oldIds.length);

  const conversation = await db.query.conversations.findFirst({
    where: (c, { eq }) => eq(c.id, conversationId),
  });
  expect(conversation).toBeDefined();
});

it("with pages that end inside a day, still writes one object per UTC day and archives every row once", async ({
  expect,
}) => {
  const ids = await demoIds(db);
  const numberId = ids.westsideNumberId;
  const start = Math.floor((now - 40 * DAY_MS) / DAY_MS) * DAY_MS + 3_600_000;
  const conv = {
    orgId: ids.orgId,
    numberId,
    conversationId: await seedConversation(db, ids.orgId, numberId, "+15550001112", start),
  };
  // 40 messages two hours apart: four UTC days of 12, 12, 12 and 4 rows, read in pages of 20 (each ends inside a day).
  await seedMessages(db, conv, series(40, start, 2 * 3_600_000, "paged"));
  const seeded = await messageIds(db, conv.conversationId);

  const report = await pruneAndArchive({ db, bucket: env.HISTORY, now, budgetMs: 60_000, pageSize: 20 });

  expect(report.complete).toBe(true);
  expect(await messageIds(db, conv.conversationId)).toEqual([]);
  const manifests = await db.query.archiveObjects.findMany({
    where: (o, { eq }) => eq(o.numberId, numberId),
  });
  expect(manifests.map((m) => [m.day, m.rows])).toEqual([
    [utcDay(start), 12],
    [utcDay(start + DAY_MS), 12],
    [utcDay(start + 2 * DAY_MS), 12],
    [utcDay(start + 3 * DAY_MS), 4],
  ]);
  const archived = (await archivedRows()).map((r) => r.id).filter((id) => seeded.includes(id));
  expect(archived.sort((a, b) => a - b)).toEqual(seeded);
});
