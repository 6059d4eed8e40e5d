import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, it } from "vitest";
import worker from "../index";
import { seed } from "../test/helpers";
import { archivedRows } from "../test/archive-reader";
import { demoIds, messageIds, seedHistory, testDb } from "../test/messages-fixture";
import { pruneAndArchive } from "./prune-and-archive";

const db = testDb();
const now = Date.now();
let history: Awaited<ReturnType<typeof seedHistory>>;

beforeAll(async () => {
  await seed();
  const ids = await demoIds(db);
  history = await seedHistory(db, { orgId: ids.orgId, numberId: ids.mainNumberId }, "+15550005001", {
    old: 120,
    recent: 4,
    now,
  });
});

it("two runs at once archive every row exactly once; running again afterwards changes nothing", async ({
  expect,
}) => {
  const run = async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
  };
  // Small pages so each run has many steps to interleave at.
  const direct = () => pruneAndArchive({ db, bucket: env.HISTORY, now, budgetMs: 60_000, pageSize: 10 });
  const [, a, b] = await Promise.all([run(), direct(), direct()]);
  expect([a.skipped, b.skipped]).toContain("locked");

  // Whichever run won may have stopped early if the scheduled one held the lease; finish, then compare.
  await run();
  expect(await messageIds(db, history.conversationId)).toEqual(history.recentIds);
  const archived = (await archivedRows()).map((r) => r.id).sort((x, y) => x - y);
  expect(archived).toEqual(history.oldIds);

  const again = await pruneAndArchive({ db, bucket: env.HISTORY, now, budgetMs: 60_000 });
  expect(again).toMatchObject({ objects: 0, archived: 0, deleted: 0, complete: true });
  expect((await archivedRows()).length).toBe(history.oldIds.length);
});
