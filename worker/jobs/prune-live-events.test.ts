import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, it } from "vitest";
import worker from "../index";
import { markEventSeen } from "../db/queries/carrier-events";
import { liveEventInsert } from "../db/queries/live-events";
import { organizations } from "../db/schema";
import { seed } from "../test/helpers";
import { count } from "../test/carriers";
import { DAY_MS, demoIds, testDb, type DemoIds } from "../test/messages-fixture";
import { seedOtherPractice } from "../test/other-practice";
import { CARRIER_EVENT_RETENTION_DAYS, pruneLiveEvents } from "./prune-live-events";

const db = testDb();
const now = Date.now();
let ids: DemoIds;
let other: Awaited<ReturnType<typeof seedOtherPractice>>;

/** A read-state event of a number at a chosen time; returns its cursor. */
async function eventAt(numberId: number, createdAt: number) {
  const [row] = await liveEventInsert(
    db,
    { type: "read_state", numberId, conversationId: 1, unread: false },
    createdAt,
  );
  if (!row) throw new Error("no live event");
  return row.id;
}

async function runCron() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const liveEventsOf = (numberId: number) => count("live_events", "number_id = ?", numberId);

beforeAll(async () => {
  await seed();
  ids = await demoIds(db);
  other = await seedOtherPractice();
  // The other practice keeps a 30-day queue: its 11-day-old events are still inside its window.
  await db.update(organizations).set({ queueWindowDays: 30 }).where(eq(organizations.id, other.org.id));
});

describe("the hourly prune of live events and carrier event ids", () => {
  it("deletes each practice's live events older than its queue window, and carrier ids older than a week", async ({
    expect,
  }) => {
    const old = [];
    for (let i = 0; i < 3; i++) old.push(await eventAt(ids.mainNumberId, now - 11 * DAY_MS + i));
    const theirsOld = await eventAt(other.number.id, now - 11 * DAY_MS);
    const recent = [await eventAt(ids.mainNumberId, now - DAY_MS), await eventAt(ids.mainNumberId, now)];
    await markEventSeen(db, "telnyx", "old-event", now - (CARRIER_EVENT_RETENTION_DAYS + 1) * DAY_MS);
    await markEventSeen(db, "telnyx", "recent-event", now - DAY_MS);
    expect(await liveEventsOf(ids.mainNumberId)).toBe(5);

    await runCron();

    const kept = await env.DB.prepare("select id from live_events where number_id = ? order by id")
      .bind(ids.mainNumberId)
      .all<{ id: number }>();
    expect(kept.results.map((r) => r.id)).toEqual(recent);
    expect(await count("live_events", "id = ?", theirsOld)).toBe(1);
    expect(await count("carrier_events", "event_id = ?", "old-event")).toBe(0);
    expect(await count("carrier_events", "event_id = ?", "recent-event")).toBe(1);
    for (const id of old) expect(await count("live_events", "id = ?", id)).toBe(0);
  });

  it("works in bounded batches and carries on in the next run", async ({ expect }) => {
    for (let i = 0; i < 5; i++) await eventAt(ids.westsideNumberId, now - 20 * DAY_MS + i);
    const first = await pruneLiveEvents({ db, now, budgetMs: 60_000, batch: 2, maxBatches: 2 });
    expect(first.batches).toBe(2);
    expect(first.complete).toBe(false);
    // Two statements of at most two rows each: some of the five are left for the next run.
    expect(first.deleted).toBeLessThanOrEqual(4);
    expect(await liveEventsOf(ids.westsideNumberId)).toBe(5 - first.deleted);
    const second = await pruneLiveEvents({ db, now, budgetMs: 60_000, batch: 2, maxBatches: 10 });
    expect(second.complete).toBe(true);
    expect(await liveEventsOf(ids.westsideNumberId)).toBe(0);
  });
});
