import { env } from "cloudflare:workers";
import { beforeAll, it } from "vitest";
import { getExport, insertExport, resetForRetry } from "../db/queries/exports";
import { seed } from "../test/helpers";
import {
  DAY_MS,
  demoIds,
  messageIds,
  seedConversation,
  seedMessages,
  series,
  testDb,
} from "../test/messages-fixture";
import { runExport } from "./export-history";
import { pruneAndArchive } from "./prune-and-archive";

const db = testDb();
const now = Date.now();
const PHONE = "+15550006001";
let ids: Awaited<ReturnType<typeof demoIds>>;
let conversationId = 0;

beforeAll(async () => {
  await seed();
  ids = await demoIds(db);
  conversationId = await seedConversation(db, ids.orgId, ids.mainNumberId, PHONE, now - DAY_MS);
  const conv = { orgId: ids.orgId, numberId: ids.mainNumberId, conversationId };
  await seedMessages(db, conv, series(10, now - 60 * DAY_MS, 3_600_000, "oldest"));
  await seedMessages(db, conv, series(10, now - 40 * DAY_MS, 3_600_000, "old"));
  await seedMessages(db, conv, series(5, now - DAY_MS, 60_000, "recent"));
  // As of 45 days ago (cutoff 55 days back) only "oldest" was due: it is in R2, "old" still in D1.
  await pruneAndArchive({ db, bucket: env.HISTORY, now: now - 45 * DAY_MS, budgetMs: 60_000 });
});

it("fails an export (retryable) when prune archives rows between its archive read and its D1 pass", async ({
  expect,
}) => {
  // The premise: "oldest" is only in R2, "old" and "recent" only in D1.
  expect((await messageIds(db, conversationId)).length).toBe(15);
  const job = await insertExport(
    db,
    {
      orgId: ids.orgId,
      userId: ids.staffId,
      numberId: ids.mainNumberId,
      conversationId,
      phone: PHONE,
      rangeFrom: null,
      rangeTo: null,
      format: "csv",
    },
    now,
  );
  // The bucket the export reads from runs today's prune the moment the export reads the archive: "old" is
  // archived and deleted from D1 after the archive was listed and before the D1 pass reads it.
  let pruned = false;
  const racingBucket = new Proxy(env.HISTORY, {
    get(target, prop) {
      if (prop === "get") {
        return async (...args: Parameters<R2Bucket["get"]>) => {
          const object = await target.get(...args);
          if (!pruned) {
            pruned = true;
            await pruneAndArchive({ db, bucket: target, now, budgetMs: 60_000 });
          }
          return object;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      // The binding's methods need the real bucket as `this`.
      return (...args: unknown[]): unknown => {
        const result: unknown = Reflect.apply(value, target, args);
        return result;
      };
    },
  });

  expect(await runExport({ db, bucket: racingBucket }, job.id)).toBe("failed");
  expect(pruned).toBe(true);
  expect((await messageIds(db, conversationId)).length).toBe(5);
  const failed = await getExport(db, job.id);
  expect(failed?.error).toBe("Part of this history moved to the archive while exporting. Retry the export.");
  expect(failed?.r2Key).toBeNull();

  // The retry reads the new object too: every row, once.
  await resetForRetry(db, job.id, Date.now());
  expect(await runExport({ db, bucket: env.HISTORY }, job.id)).toBe("done");
  expect((await getExport(db, job.id))?.rows).toBe(25);
});
