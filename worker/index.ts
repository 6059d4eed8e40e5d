import app from "./app";
import type { Env } from "./env";
import { CRON_JOBS, runCronJobs } from "./jobs/cron";

export { ClinicNumberHub } from "./realtime/clinic-number-hub";

export default {
  fetch: app.fetch,
  /** The hourly cron: every job of jobs/cron.ts, each under its own lease and budget. */
  async scheduled(controller, env, _ctx) {
    const outcomes = await runCronJobs(CRON_JOBS, env, controller.scheduledTime);
    const failed = outcomes.filter((o) => o.outcome === "failed").map((o) => o.name);
    // Every job has run; failing the invocation marks it in the Cron Events log with the jobs to look at.
    if (failed.length > 0) throw new Error(`cron jobs failed: ${failed.join(", ")}`);
  },
} satisfies ExportedHandler<Env>;
