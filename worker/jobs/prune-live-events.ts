/**
 * @module The hourly prune of the logs that would otherwise grow for ever:
 * - `live_events` holds every stored text's body (it is what the live socket and the catch-up replay), so it is
 *   kept exactly as long as the queue shows a conversation: the practice's queue window (`queue_window_days`,
 *   default 10), the same cutoff the archive uses for `messages`. The catch-up route refuses a cursor older
 *   than that window (410), so a client never replays across a gap this job made.
 * - `carrier_events` holds only carrier event ids (no PHI) for de-duplicating retried webhooks; carriers retry
 *   for at most 24 hours (../shared/notes/carriers.md), so a week is kept.
 * - `login_throttle` holds a counter per e-mail and client address that tried to sign in; once its window is
 *   over it counts nothing, so it goes then (a password-spraying run would otherwise leave every e-mail it
 *   tried behind).
 * - `sessions` idle past their practice's timeout: refused already (middleware/session.ts), deleted here in
 *   case the browser never comes back.
 *
 * Deletes go in bounded batches, a fixed number per run: the whole cron invocation shares D1's 1,000 queries
 * (developers.cloudflare.com/d1/platform/limits/), and the next hourly run carries on where this one stopped.
 * Logs counts only.
 */
import type { Db } from "../db/client";
import { listNumbersWithWindow } from "../db/queries/archive";
import { deleteCarrierEventsBefore } from "../db/queries/carrier-events";
import { deleteLiveEventsBefore } from "../db/queries/live-events";
import { deleteIdleSessions, deleteLoginThrottlesBefore, LOGIN_WINDOW_MS } from "../db/queries/sessions";

const DAY_MS = 86_400_000;
/** Carrier event ids older than this can no longer come back as a retry. */
export const CARRIER_EVENT_RETENTION_DAYS = 7;

export type PruneLogOptions = {
  db: Db;
  now: number;
  budgetMs: number;
  /** Rows per DELETE. */
  batch?: number;
  /** DELETE statements per run, over all numbers. */
  maxBatches?: number;
  clock?: () => number;
};

export type PruneLogReport = { deleted: number; batches: number; complete: boolean };

function limits(opts: PruneLogOptions) {
  const clock = opts.clock ?? Date.now;
  const started = clock();
  const maxBatches = opts.maxBatches ?? 100;
  return {
    batch: opts.batch ?? 5000,
    within: (report: PruneLogReport) => report.batches < maxBatches && clock() - started < opts.budgetMs,
  };
}

/** Deletes every number's live events older than its practice's queue window. */
export async function pruneLiveEvents(opts: PruneLogOptions): Promise<PruneLogReport> {
  const { batch, within } = limits(opts);
  const report: PruneLogReport = { deleted: 0, batches: 0, complete: false };
  for (const n of await listNumbersWithWindow(opts.db)) {
    const cutoff = opts.now - n.windowDays * DAY_MS;
    for (;;) {
      if (!within(report)) {
        console.log("prune-live-events partial", JSON.stringify(report));
        return report;
      }
      const deleted = await deleteLiveEventsBefore(opts.db, n.numberId, cutoff, batch);
      report.batches++;
      report.deleted += deleted;
      if (deleted < batch) break;
    }
  }
  report.complete = true;
  console.log("prune-live-events done", JSON.stringify(report));
  return report;
}

/** Deletes carrier event ids received more than CARRIER_EVENT_RETENTION_DAYS ago. */
export function pruneCarrierEvents(opts: PruneLogOptions): Promise<PruneLogReport> {
  const cutoff = opts.now - CARRIER_EVENT_RETENTION_DAYS * DAY_MS;
  return deleteInBatches("prune-carrier-events", opts, (limit) =>
    deleteCarrierEventsBefore(opts.db, cutoff, limit),
  );
}

/** Deletes sign-in throttle counters whose window is over. */
export function pruneLoginThrottle(opts: PruneLogOptions): Promise<PruneLogReport> {
  const cutoff = opts.now - LOGIN_WINDOW_MS;
  return deleteInBatches("prune-login-throttle", opts, (limit) =>
    deleteLoginThrottlesBefore(opts.db, cutoff, limit),
  );
}

/** Deletes sessions idle past their practice's timeout (refused already, but kept until the user came back). */
export function pruneIdleSessions(opts: PruneLogOptions): Promise<PruneLogReport> {
  return deleteInBatches("prune-idle-sessions", opts, (limit) =>
    deleteIdleSessions(opts.db, opts.now, limit),
  );
}

/** Runs `deleteSome` (which deletes up to `limit` rows and says how many) until it runs dry or out of budget. */
async function deleteInBatches(
  name: string,
  opts: PruneLogOptions,
  deleteSome: (limit: number) => Promise<number>,
): Promise<PruneLogReport> {
  const { batch, within } = limits(opts);
  const report: PruneLogReport = { deleted: 0, batches: 0, complete: false };
  for (;;) {
    if (!within(report)) {
      console.log(`${name} partial`, JSON.stringify(report));
      return report;
    }
    const deleted = await deleteSome(batch);
    report.batches++;
    report.deleted += deleted;
    if (deleted < batch) break;
  }
  report.complete = true;
  console.log(`${name} done`, JSON.stringify(report));
  return report;
}
