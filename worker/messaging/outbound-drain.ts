/**
 * @module The background sender of practice-system texts, run by the clinic number's Durable Object alarm
 * (realtime/clinic-number-hub.ts).
 *
 * Why the Durable Object alarm and not a Cloudflare Queue: pacing is a property of the sending number (a
 * carrier limits throughput per long code), while a Queue consumer gets batches mixed across numbers and can
 * only be paced as a whole. There is already exactly one Durable Object per clinic number, single-threaded,
 * so two drains of the same number never run at once, and no second binding or consumer has to be deployed. The alarm is durable and
 * retried by the runtime if it throws (developers.cloudflare.com/durable-objects/api/alarms/), and D1 stays
 * the source of truth: the object keeps no message state, so losing it loses nothing, and the hourly cron
 * re-arms any number whose due texts have waited too long (jobs/cron.ts).
 */
import type { Env } from "../env";
import type { Db } from "../db/client";
import { findNumberById } from "../db/queries/numbers";
import { getOptOut } from "../db/queries/opt-outs";
import { hasPendingReview, REVIEW_RECHECK_MS } from "../db/queries/opt-out-reviews";
import { getOrganization } from "../db/queries/organizations";
import {
  claimQueued,
  deferQueued,
  dueQueued,
  failClaimed,
  failQueued,
  nextDueAt,
  numbersWithOverdue,
} from "../db/queries/outbound-batch";
import { timezonesByPhone } from "../db/queries/patient-sync";
import { campaignSendTime } from "../domain/quiet-hours";
import { deliverStored, type SendOptions } from "./send-text";
import { hubFor } from "./hub";
import { publishMessage } from "./live";
import { describeError } from "../lib/errors";

/**
 * Texts sent per tick and the pause between ticks: ten a second per number. Twilio queues what exceeds a
 * number's throughput on its side (and answers 429 beyond that, which sendText backs off from), and a short
 * tick keeps the object responsive to the live sockets it also serves.
 */
export const DRAIN_BATCH = 10;
export const DRAIN_INTERVAL_MS = 1_000;

export type DrainResult = { sent: number; held: number; failed: number; nextAt: number | null };

export async function drainQueued(
  input: { db: Db; env: Env; numberId: number; limit?: number },
  options: SendOptions = {},
): Promise<DrainResult> {
  const { db, env, numberId } = input;
  const now = options.now ?? Date.now;
  const started = now();
  const result: DrainResult = { sent: 0, held: 0, failed: 0, nextAt: null };
  const number = await findNumberById(db, numberId);
  const org = number && (await getOrganization(db, number.orgId));
  if (!number || !org) return result;
  const due = await dueQueued(db, numberId, started, input.limit ?? DRAIN_BATCH);
  const campaignPhones = due.filter((d) => d.message.kind === "campaign").map((d) => d.phone);
  const zones =
    campaignPhones.length > 0
      ? await timezonesByPhone(db, org.id, campaignPhones)
      : new Map<string, Set<string>>();

  // One phone's texts go in order; different phones' go at once, so a tick takes one carrier round trip
  // rather than ten, and the pace stays ten a second even when each call takes a few hundred milliseconds.
  const byPhone = new Map<string, typeof due>();
  for (const item of due) byPhone.set(item.phone, [...(byPhone.get(item.phone) ?? []), item]);
  const sendOne = async ({ message, phone }: (typeof due)[number]) => {
    // A backlog can drain past the end of the window: campaign texts are checked again when they go.
    if (message.kind === "campaign") {
      const at = campaignSendTime(org, zones.get(phone), now());
      if (at === null || at > now()) {
        if (at === null) await failQueued(db, message.id, refusal("quiet_hours"), now());
        else await deferQueued(db, message.id, at);
        result.held++;
        return;
      }
    }
    // The patient may have texted STOP while the text waited.
    const optOut = await getOptOut(db, numberId, phone);
    if (optOut?.optedOut) {
      const failed = await failQueued(db, message.id, refusal("opted_out"), now());
      if (failed) await publishMessage(env, db, failed);
      result.failed++;
      return;
    }
    // A possible opt-out staff have not decided holds campaigns (the decision makes them due again).
    if (message.kind === "campaign" && (await hasPendingReview(db, numberId, phone))) {
      await deferQueued(db, message.id, now() + REVIEW_RECHECK_MS);
      result.held++;
      return;
    }
    let claimed: Awaited<ReturnType<typeof claimQueued>>;
    try {
      claimed = await claimQueued(db, message.id, now());
    } catch (error) {
      // The claim's audit batch failed after send_after was cleared: no drain would take the row again, so
      // it says it did not go out (a claim that never happened stays pending for the next drain).
      console.error(`queued send ${message.id} not claimed:`, describeError(error));
      const failed = await failClaimed(db, message.id, refusal("internal"), now());
      if (failed) await publishMessage(env, db, failed);
      result.failed++;
      return;
    }
    if (!claimed) return;
    await publishMessage(env, db, claimed);
    try {
      const final = await deliverStored({ db, env, number, message: claimed, phone }, options);
      if (final.status === "failed" || final.status === "undelivered") result.failed++;
      else result.sent++;
    } catch (error) {
      // deliverStored turns every failure before the carrier's answer into a failed row itself; it throws
      // only when that answer could not be recorded. The carrier may have the text, so the row is left in
      // flight for its status callback or the stuck-send sweeper (jobs/sweep-stuck-sends.ts), never resent.
      // One broken text must not stall the rest of the number's queue.
      console.error(`queued send ${message.id}: outcome not recorded:`, describeError(error));
      result.failed++;
    }
  };
  await Promise.all(
    [...byPhone.values()].map(async (texts) => {
      for (const text of texts) await sendOne(text);
    }),
  );
  const next = await nextDueAt(db, numberId);
  result.nextAt = next === null ? null : Math.max(next, started + DRAIN_INTERVAL_MS);
  return result;
}

const REASONS = {
  quiet_hours: "Held for quiet hours, but the patient's time zones never share a moment inside them.",
  opted_out: "Not sent: the phone opted out before this text went out.",
  internal: "The text could not be handed to the carrier.",
} as const;

function refusal(code: keyof typeof REASONS) {
  return { code, reason: REASONS[code] };
}

/** Asks the clinic number's Durable Object to run its drain by `at`. */
export async function scheduleDrain(env: Pick<Env, "CLINIC_NUMBER_HUB">, numberId: number, at: number) {
  await hubFor(env, numberId).scheduleDrain(numberId, at);
}

/** Due texts older than this mean the number's alarm was lost (it gave up after its retries). */
const OVERDUE_MS = 5 * 60_000;

/** Re-arms the drain of every number with overdue queued texts: the hourly cron's safety net. */
export async function rearmOverdueDrains(db: Db, env: Pick<Env, "CLINIC_NUMBER_HUB">, now: number) {
  const numberIds = await numbersWithOverdue(db, now - OVERDUE_MS);
  for (const numberId of numberIds) await scheduleDrain(env, numberId, now);
  return numberIds.length;
}
