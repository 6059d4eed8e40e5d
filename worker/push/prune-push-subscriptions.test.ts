import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { CRON_JOBS, runCronJobs } from "../jobs/cron";
import { FAILING_REMOVE_AFTER_MS } from "../db/queries/push-subscriptions";
import { call, seed, signInAdmin } from "../test/helpers";
import { count } from "../test/carriers";
import { newSubscriber } from "../test/push-service";

beforeAll(seed);

describe("the prune-push-subscriptions cron job", () => {
  it("removes devices failing for 7 days, keeps those failing for less and the healthy ones", async ({
    expect,
  }) => {
    const admin = await signInAdmin();
    const ids: number[] = [];
    for (const name of ["week", "day", "fine"]) {
      const res = await call("/api/push/subscriptions", { cookie: admin, json: newSubscriber(name).json });
      ids.push((await res.json<{ device: { id: number } }>()).device.id);
    }
    const now = Date.now();
    const set = (id: number | undefined, since: number) =>
      env.DB.prepare("update push_subscriptions set failing_since = ? where id = ?").bind(since, id).run();
    await set(ids[0], now - FAILING_REMOVE_AFTER_MS - 1);
    await set(ids[1], now - 24 * 60 * 60 * 1000);
    const job = CRON_JOBS.filter((j) => j.name === "prune-push-subscriptions");
    expect(job).toHaveLength(1);
    expect(await runCronJobs(job, env, now)).toEqual([{ name: "prune-push-subscriptions", outcome: "done" }]);
    const left = await env.DB.prepare("select id from push_subscriptions order by id").all<{ id: number }>();
    expect(left.results.map((r) => r.id)).toEqual(ids.slice(1));
    expect(await count("push_subscriptions")).toBe(2);
  });
});
