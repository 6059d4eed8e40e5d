import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, it } from "vitest";
import worker from "../index";
import { createDb } from "../db/client";
import { seed } from "../test/helpers";
import { archivedRows, faultyBucket, faultyD1, isInjectedFault } from "../test/archive-reader";
import { demoIds, messageIds, seedHistory, testDb, type DemoIds } from "../test/messages-fixture";
import { pruneAndArchive } from "./prune-and-archive";

const db = testDb();
const now = Date.now();
let ids: DemoIds;

beforeAll(async () => {
  await seed();
  ids = await demoIds(db);
});

async function runScheduled() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function expectArchivedOnce(expected: number[], expect: (v: unknown) => { toEqual(v: unknown): void }) {
  const archived = (await archivedRows()).map((r) => r.id).filter((id) => expected.includes(id));
  expect(archived.sort((a, b) => a - b)).toEqual(expected);
}

it("a crash at the delete, after the archive is verified, loses nothing; the next run finishes", async ({
  expect,
}) => {
  const h = await seedHistory(db, { orgId: ids.orgId, numberId: ids.mainNumberId }, "+15550003001", {
    old: 40,
    recent: 3,
    now,
  });
  const crashing = createDb(faultyD1(env.DB, /delete from "messages"/));
  await expect(
    pruneAndArchive({ db: crashing, bucket: env.HISTORY, now, budgetMs: 60_000 }),
  ).rejects.toSatisfy(isInjectedFault);
  expect(await messageIds(db, h.conversationId)).toEqual([...h.oldIds, ...h.recentIds]);
  // The delete and the manifest's `pruned` are one transaction: the manifest is left unfinished with it (and
  // the next object's, written while the first was read back, if the day after it had old rows too).
  const stuck = await db.query.archiveObjects.findMany({ where: (o, { ne }) => ne(o.status, "pruned") });
  expect(stuck.length).toBeGreaterThanOrEqual(1);
  expect(stuck.length).toBeLessThanOrEqual(2);
  expect(stuck.every((o) => o.status === "writing")).toBe(true);

  await runScheduled();
  expect(await messageIds(db, h.conversationId)).toEqual(h.recentIds);
  await expectArchivedOnce(h.oldIds, expect);
  const open = await db.query.archiveObjects.findMany({ where: (o, { ne }) => ne(o.status, "pruned") });
  expect(open).toEqual([]);
});

it("a crash after the R2 write and before the read-back loses nothing; the next run finishes", async ({
  expect,
}) => {
  const h = await seedHistory(db, { orgId: ids.orgId, numberId: ids.westsideNumberId }, "+15550003002", {
    old: 40,
    recent: 3,
    now,
  });
  const bucket = faultyBucket(env.HISTORY, { get: 1 });
  await expect(pruneAndArchive({ db, bucket, now, budgetMs: 60_000 })).rejects.toSatisfy(isInjectedFault);
  expect(await messageIds(db, h.conversationId)).toEqual([...h.oldIds, ...h.recentIds]);
  // The failed object's manifest, and at most the next one's (written while the first was read back).
  const writing = await db.query.archiveObjects.findMany({ where: (o, { eq }) => eq(o.status, "writing") });
  expect(writing.length).toBeGreaterThanOrEqual(1);
  expect(writing.length).toBeLessThanOrEqual(2);

  await runScheduled();
  expect(await messageIds(db, h.conversationId)).toEqual(h.recentIds);
  await expectArchivedOnce(h.oldIds, expect);
});
