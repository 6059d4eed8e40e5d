/**
 * @module The hourly cron ("17 * * * *" in wrangler.toml) as a list of independent jobs. Each one takes its
 * own lease (so two overlapping invocations never run the same job twice at once) and its own wall-time
 * budget, and all of them run whatever another one does: a throw in one job is logged by name and the others
 * still finish. A new hourly job is one entry in CRON_JOBS.
 *
 * Cron Triggers on an hourly (or longer) schedule get up to 15 minutes
 * (developers.cloudflare.com/workers/platform/limits/#duration). The jobs run side by side, so each budget is
 * measured from the same start and must stay under that limit on its own.
 */
import type { Db } from "../db/client";
import { createDb } from "../db/client";
import { acquireLease, releaseLease } from "../db/queries/job-leases";
import type { Env } from "../env";
import { describeError } from "../lib/errors";
import { rearmOverdueDrains } from "../messaging/outbound-drain";
import { rearmOverdueSnoozes } from "../messaging/conversation-state";
import { rearmOverdueEscalations } from "../messaging/escalation";
import { expireExports } from "./expire-exports";
import { pruneAndArchive } from "./prune-and-archive";
import {
  pruneCarrierEvents,
  pruneIdleSessions,
  pruneLiveEvents,
  pruneLoginThrottle,
} from "./prune-live-events";
import { sweepStuckSends } from "./sweep-stuck-sends";
import { pruneFailingDevices } from "../db/queries/push-subscriptions";
import { retryDueMedia } from "../messaging/media-copy";
import { expireUploads } from "./expire-uploads";

export type JobContext = {
  db: Db;
  env: Env;
  /** The run's clock for cutoffs (the cron's scheduledTime). */
  now: number;
  /** This job's budget: stop starting new work after it; the next hourly run carries on. */
  budgetMs: number;
};

export type CronJob = { name: string; budgetMs: number; run: (ctx: JobContext) => Promise<unknown> };

/** A lease outlives its budget by this much, so a job that overshoots a little is still alone. */
const LEASE_GRACE_MS = 5 * 60_000;

export const CRON_JOBS: readonly CronJob[] = [
  {
    // Re-arms any clinic number whose queued API texts, snooze wake-ups, escalations or held alerts are
    // overdue (its alarm was lost).
    name: "rearm-drains",
    budgetMs: 60_000,
    run: async ({ db, env, now }) =>
      (await rearmOverdueDrains(db, env, now)) +
      (await rearmOverdueSnoozes(db, env, now)) +
      (await rearmOverdueEscalations(db, env, now)),
  },
  {
    // Ten minutes leaves room within the fifteen to finish the object in hand (prune-and-archive.ts).
    name: "prune-and-archive",
    budgetMs: 10 * 60_000,
    run: ({ db, env, now, budgetMs }) => pruneAndArchive({ db, bucket: env.HISTORY, now, budgetMs }),
  },
  {
    // Settles texts stuck in queued/sending (asks the carrier, else "status unknown"); never sends.
    name: "sweep-stuck-sends",
    budgetMs: 2 * 60_000,
    run: ({ db, env, now, budgetMs }) => sweepStuckSends({ db, env, now, budgetMs }),
  },
  {
    name: "expire-exports",
    budgetMs: 2 * 60_000,
    run: ({ db, env, now, budgetMs }) => expireExports({ db, bucket: env.HISTORY, now, budgetMs }),
  },
  {
    // Live events carry message bodies: kept only as long as the queue window (prune-live-events.ts).
    name: "prune-live-events",
    budgetMs: 2 * 60_000,
    run: ({ db, now, budgetMs }) => pruneLiveEvents({ db, now, budgetMs }),
  },
  {
    name: "prune-carrier-events",
    budgetMs: 60_000,
    run: ({ db, now, budgetMs }) => pruneCarrierEvents({ db, now, budgetMs }),
  },
  {
    // Sign-in counters whose window is over: they count nothing, and their keys name e-mails and addresses.
    name: "prune-login-throttle",
    budgetMs: 30_000,
    run: ({ db, now, budgetMs }) => pruneLoginThrottle({ db, now, budgetMs }),
  },
  {
    name: "prune-idle-sessions",
    budgetMs: 30_000,
    run: ({ db, now, budgetMs }) => pruneIdleSessions({ db, now, budgetMs }),
  },
  {
    // Web Push subscriptions that failed for 7 days and got no push since (push/notify.ts removes the others).
    name: "prune-push-subscriptions",
    budgetMs: 30_000,
    run: ({ db, now }) => pruneFailingDevices(db, now),
  },
  {
    // Inbound photos whose copy into R2 failed: tried again with backoff, "could not be retrieved" after 5.
    name: "retry-media",
    budgetMs: 3 * 60_000,
    run: ({ db, env, now, budgetMs }) => retryDueMedia({ db, env, now, budgetMs }),
  },
  {
    // Photos uploaded in the composer but never sent: removed after a day.
    name: "expire-uploads",
    budgetMs: 60_000,
    run: ({ db, env, now, budgetMs }) => expireUploads({ db, bucket: env.HISTORY, now, budgetMs }),
  },
];

export type JobOutcome = { name: string; outcome: "done" | "locked" | "failed" };

/**
 * Runs every job under its own lease. Never throws: a failed job is logged by its name and the error's kind
 * only (describeError: no phones, names or bodies), and reported in the outcomes.
 */
export async function runCronJobs(
  jobs: readonly CronJob[],
  env: Env,
  now: number,
  holder: string = crypto.randomUUID(),
): Promise<JobOutcome[]> {
  const db = createDb(env.DB);
  const settled = await Promise.allSettled(
    jobs.map(async (job): Promise<JobOutcome> => {
      const lease = `cron:${job.name}`;
      if (!(await acquireLease(db, lease, holder, now, job.budgetMs + LEASE_GRACE_MS))) {
        console.log(`cron job ${job.name} skipped: another run holds it`);
        return { name: job.name, outcome: "locked" };
      }
      try {
        await job.run({ db, env, now, budgetMs: job.budgetMs });
        return { name: job.name, outcome: "done" };
      } finally {
        await releaseLease(db, lease, holder);
      }
    }),
  );
  return settled.map((result, i) => {
    const name = jobs[i]?.name ?? "unknown";
    if (result.status === "fulfilled") return result.value;
    console.error(`cron job ${name} failed:`, describeError(result.reason));
    return { name, outcome: "failed" };
  });
}
