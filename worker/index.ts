import app from "./app";
import { createDb } from "./db/client";
import type { Env } from "./env";
import { pruneAndArchive } from "./jobs/prune-and-archive";
import { rearmOverdueDrains } from "./messaging/outbound-drain";

export { ClinicNumberHub } from "./realtime/clinic-number-hub";

/**
 * Wall time the prune job may spend starting new work. Cron Triggers on an hourly (or longer) schedule get
 * up to 15 minutes (developers.cloudflare.com/workers/platform/limits/#duration); stopping at 10 leaves room
 * to finish the object in hand, and the next hourly run carries on.
 */
const PRUNE_BUDGET_MS = 10 * 60_000;

export default {
  fetch: app.fetch,
  /**
   * The hourly cron ("17 * * * *" in wrangler.toml): re-arms any clinic number whose queued API texts are
   * overdue (a lost alarm), then archive-then-prune and export expiry.
   */
  async scheduled(controller, env, _ctx) {
    await rearmOverdueDrains(createDb(env.DB), env, controller.scheduledTime);
    await pruneAndArchive({
      db: createDb(env.DB),
      bucket: env.HISTORY,
      now: controller.scheduledTime,
      budgetMs: PRUNE_BUDGET_MS,
    });
  },
} satisfies ExportedHandler<Env>;
