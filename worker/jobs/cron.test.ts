import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, it, vi } from "vitest";
import worker from "../index";
import { getExport, insertExport } from "../db/queries/exports";
import { seed } from "../test/helpers";
import { practiceApi } from "../test/queue-api";
import { demoIds, messageIds, seedHistory, testDb } from "../test/messages-fixture";
import { acquireLease } from "../db/queries/job-leases";
import type { Env } from "../env";
import { runCronJobs, type CronJob } from "./cron";

const db = testDb();
const now = Date.now();
const CRON = "17 * * * *";

afterEach(() => {
  vi.restoreAllMocks();
});

beforeAll(async () => {
  await seed();
});

/** A hub binding that is down: every stub call throws, so the drain re-arm fails. */
const hubDown = {
  getByName() {
    throw new Error("hub unavailable");
  },
} as unknown as Env["CLINIC_NUMBER_HUB"];

describe("the hourly cron handler", () => {
  it("runs prune and export expiry even when the drain re-arm throws, and names the failed job", async ({
    expect,
  }) => {
    const ids = await demoIds(db);
    const history = await seedHistory(db, { orgId: ids.orgId, numberId: ids.mainNumberId }, "+15550007001", {
      old: 6,
      recent: 2,
      now,
    });
    // An export whose run died an hour ago: the expiry job fails it.
    const stuck = await insertExport(
      db,
      {
        orgId: ids.orgId,
        userId: ids.staffId,
        numberId: ids.mainNumberId,
        conversationId: history.conversationId,
        phone: "+15550007001",
        rangeFrom: null,
        rangeTo: null,
        format: "csv",
      },
      now - 3_600_000,
    );
    // A queued text ten minutes overdue, so the re-arm has a hub to call, and that call throws.
    await (await practiceApi()).queue("reminder", [{ phone: "+15550007002" }], now - 10 * 60_000);
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);

    const ctx = createExecutionContext();
    const run = worker.scheduled(
      createScheduledController({ scheduledTime: now, cron: CRON }),
      { ...env, CLINIC_NUMBER_HUB: hubDown },
      ctx,
    );
    await expect(run).rejects.toThrow("cron jobs failed: rearm-drains");
    await waitOnExecutionContext(ctx);

    expect(await messageIds(db, history.conversationId)).toEqual(history.recentIds);
    expect((await getExport(db, stuck.id))?.status).toBe("failed");
    const logged = errors.mock.calls.map((args) => args.map(String).join(" "));
    expect(logged).toContain("cron job rearm-drains failed: Error");
    // By name and the error's kind only: no phone reaches the log.
    expect(logged.join("\n")).not.toContain("+1555");
  });
});

describe("runCronJobs", () => {
  const job = (name: string, run: CronJob["run"]): CronJob => ({ name, budgetMs: 60_000, run });

  it("runs every job, reports each outcome by name, and never throws", async ({ expect }) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const ran: string[] = [];
    const outcomes = await runCronJobs(
      [
        job("first", () => Promise.reject(new Error("boom"))),
        job("second", () => Promise.resolve(ran.push("second"))),
        job("third", ({ budgetMs }) => Promise.resolve(ran.push(`third:${budgetMs}`))),
      ],
      env,
      now,
    );
    expect(outcomes).toEqual([
      { name: "first", outcome: "failed" },
      { name: "second", outcome: "done" },
      { name: "third", outcome: "done" },
    ]);
    expect(ran).toEqual(["second", "third:60000"]);
  });

  it("skips a job whose lease another run holds, and only that job", async ({ expect }) => {
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    expect(await acquireLease(db, "cron:busy", "someone-else", now, 60_000)).toBe(true);
    let ran = 0;
    const outcomes = await runCronJobs(
      [job("busy", () => Promise.resolve(ran++)), job("free", () => Promise.resolve(ran++))],
      env,
      now,
    );
    expect(outcomes).toEqual([
      { name: "busy", outcome: "locked" },
      { name: "free", outcome: "done" },
    ]);
    expect(ran).toBe(1);
  });

  it("releases a failed job's lease, so the next hour runs it again", async ({ expect }) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const failing = job("flaky", () => Promise.reject(new Error("once")));
    expect(await runCronJobs([failing], env, now)).toEqual([{ name: "flaky", outcome: "failed" }]);
    expect(await runCronJobs([job("flaky", () => Promise.resolve())], env, now + 1)).toEqual([
      { name: "flaky", outcome: "done" },
    ]);
  });
});
