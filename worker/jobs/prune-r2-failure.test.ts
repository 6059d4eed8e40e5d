import { env } from "cloudflare:workers";
import { beforeAll, it } from "vitest";
import { seed } from "../test/helpers";
import { archivedRows, faultyBucket, isInjectedFault } from "../test/archive-reader";
import { demoIds, messageIds, seedHistory, testDb } from "../test/messages-fixture";
import { pruneAndArchive } from "./prune-and-archive";

const db = testDb();
const now = Date.now();
let history: Awaited<ReturnType<typeof seedHistory>>;

beforeAll(async () => {
  await seed();
  const ids = await demoIds(db);
  // 40 hourly messages 40 days back span two UTC days, so the run writes at least two objects.
  history = await seedHistory(db, { orgId: ids.orgId, numberId: ids.mainNumberId }, "+15550004001", {
    old: 40,
    recent: 2,
    now,
  });
});

it("R2 refusing the archive write deletes nothing, and a later run archives every row once", async ({
  expect,
}) => {
  const down = faultyBucket(env.HISTORY, { put: true });
  await expect(pruneAndArchive({ db, bucket: down, now, budgetMs: 60_000 })).rejects.toSatisfy(
    isInjectedFault,
  );
  expect(await messageIds(db, history.conversationId)).toEqual([...history.oldIds, ...history.recentIds]);
  expect(await archivedRows()).toEqual([]);

  // The second object's write fails: the first object's rows are gone from D1, the second's are all still there.
  const flaky = faultyBucket(env.HISTORY, { put: 2 });
  await expect(pruneAndArchive({ db, bucket: flaky, now, budgetMs: 60_000 })).rejects.toSatisfy(
    isInjectedFault,
  );
  const left = await messageIds(db, history.conversationId);
  const archivedIds = (await archivedRows()).map((r) => r.id);
  expect(archivedIds.length).toBeGreaterThan(0);
  expect([...archivedIds, ...left].sort((a, b) => a - b)).toEqual([...history.oldIds, ...history.recentIds]);

  const report = await pruneAndArchive({ db, bucket: env.HISTORY, now, budgetMs: 60_000 });
  expect(report.complete).toBe(true);
  expect(await messageIds(db, history.conversationId)).toEqual(history.recentIds);
  expect((await archivedRows()).map((r) => r.id).sort((a, b) => a - b)).toEqual(history.oldIds);
});
