import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import worker from "../index";
import { liveEventInsert } from "../db/queries/live-events";
import { call, errorOf, seed, signInAdmin } from "../test/helpers";
import { DAY_MS, demoIds, testDb } from "../test/messages-fixture";

const db = testDb();
const now = Date.now();
let numberId: number;
/** Cursors in the order the events happened: four from two weeks ago, then three inside the window. */
const old: number[] = [];
const recent: number[] = [];

async function eventAt(createdAt: number) {
  const [row] = await liveEventInsert(
    db,
    { type: "read_state", numberId, conversationId: 1, unread: false },
    createdAt,
  );
  if (!row) throw new Error("no live event");
  return row.id;
}

const catchUp = (admin: string, after: number) =>
  call(`/api/live/events?after=${after}&numberId=${numberId}`, { cookie: admin });

beforeAll(async () => {
  await seed();
  numberId = (await demoIds(db)).mainNumberId;
  for (let i = 0; i < 4; i++) old.push(await eventAt(now - 14 * DAY_MS + i * 60_000));
  for (let i = 0; i < 3; i++) recent.push(await eventAt(now - 3_600_000 + i * 60_000));
});

describe("catching up from a cursor older than the queue window", () => {
  it("answers 410 cursor_expired before and after the prune, and replays from a cursor inside it", async ({
    expect,
  }) => {
    const admin = await signInAdmin();
    const [firstOld, lastOld] = [old.at(0) ?? 0, old.at(-1) ?? 0];
    // Not pruned yet: the old rows are still there, but replaying from before the window is refused anyway.
    const refused = await catchUp(admin, firstOld);
    expect(refused.status).toBe(410);
    expect((await errorOf(refused))?.code).toBe("cursor_expired");

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);

    expect((await catchUp(admin, 0)).status).toBe(410);
    expect((await catchUp(admin, lastOld - 1)).status).toBe(410);
    // The last event before the window is the newest cursor a client could hold: it has missed nothing.
    const resumed = await catchUp(admin, lastOld);
    expect(resumed.status).toBe(200);
    const body = await resumed.json<{ events: { cursor: number }[] }>();
    expect(body.events.map((e) => e.cursor)).toEqual(recent);
  });

  it("fuzz: every cursor from the far past is a 410, every cursor inside the window a 200, never a 5xx", async ({
    expect,
  }) => {
    const admin = await signInAdmin();
    const floor = (recent.at(0) ?? 0) - 1;
    const cursors = fc.sample(
      fc.oneof(
        fc.integer({ min: 0, max: floor - 1 }),
        fc.integer({ min: floor, max: floor + 10_000 }),
        fc.constantFrom(0, 1, floor - 1, floor),
      ),
      { numRuns: 100, seed: 11 },
    );
    const answers = await Promise.all(
      cursors.map(async (after) => {
        const res = await catchUp(admin, after);
        await res.arrayBuffer();
        return { after, status: res.status };
      }),
    );
    const wrong = answers.filter((a) => a.status !== (a.after < floor ? 410 : 200));
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
