/**
 * @module What the clinic number's Durable Object alarm does (realtime/clinic-number-hub.ts): send the next
 * due queued texts (outbound-drain.ts) and the pending practice webhooks (practice-webhooks.ts), end the
 * snoozes whose time has come (conversation-state.ts), push about unanswered texts and send held
 * after-hours alerts (escalation.ts), then say when the alarm should ring again: one alarm,
 * the earliest due time of all of them.
 */
import type { Db } from "../db/client";
import type { Env } from "../env";
import { describeError } from "../lib/errors";
import { drainQueued } from "./outbound-drain";
import { dispatchWebhooks } from "./practice-webhooks";
import { wakeSnoozes } from "./conversation-state";
import { runEscalation } from "./escalation";

/** After a webhook setup fails outright, look again this much later. */
export const WEBHOOK_FAILURE_RETRY_MS = 5 * 60_000;

export type AlarmSteps = {
  drain: () => Promise<{ nextAt: number | null }>;
  webhooks: () => Promise<{ nextAt: number | null }>;
  /** Snooze wake-ups; like webhooks, a failure never stalls the texts. */
  snoozes?: () => Promise<{ nextAt: number | null }>;
  /** Unanswered-text pushes and held after-hours alerts (escalation.ts); a failure never stalls the texts. */
  escalation?: () => Promise<{ nextAt: number | null }>;
};

/**
 * Runs both steps and returns when the alarm should next ring, or null when nothing is due. A drain that
 * throws throws (the runtime retries the alarm); webhooks that throw never stall the texts: logged, and
 * tried again in five minutes.
 */
export async function runAlarmSteps(steps: AlarmSteps, now: () => number = Date.now): Promise<number | null> {
  const drained = await steps.drain();
  const hooksNextAt = await steps.webhooks().then(
    (hooks) => hooks.nextAt,
    (error: unknown) => {
      console.error("webhooks not sent:", describeError(error));
      return now() + WEBHOOK_FAILURE_RETRY_MS;
    },
  );
  const snoozesNextAt = steps.snoozes
    ? await steps.snoozes().then(
        (woke) => woke.nextAt,
        (error: unknown) => {
          console.error("snoozes not woken:", describeError(error));
          return now() + WEBHOOK_FAILURE_RETRY_MS;
        },
      )
    : null;
  const escalationNextAt = steps.escalation
    ? await steps.escalation().then(
        (escalated) => escalated.nextAt,
        (error: unknown) => {
          console.error("escalation not run:", describeError(error));
          return now() + WEBHOOK_FAILURE_RETRY_MS;
        },
      )
    : null;
  const next = [drained.nextAt, hooksNextAt, snoozesNextAt, escalationNextAt].filter((at) => at !== null);
  return next.length > 0 ? Math.min(...next) : null;
}

/** The production steps for one clinic number. */
export function numberAlarm(input: { db: Db; env: Env; numberId: number }): Promise<number | null> {
  return runAlarmSteps({
    drain: () => drainQueued(input),
    webhooks: () => dispatchWebhooks(input),
    snoozes: () => wakeSnoozes(input),
    escalation: () => runEscalation(input),
  });
}
