import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, it } from "vitest";
import worker from "../index";
import { seed } from "../test/helpers";
import { archivedRows } from "../test/archive-reader";
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
