/**
 * @module Settles outbound texts stuck in flight: `queued` or `sending` for minutes with nothing moving them
 * (a Worker that died between storing a text and recording the carrier's answer, a lost answer whose status
 * callbacks never came). Its own hourly cron job (jobs/cron.ts).
 *
 * It never sends anything. A text with a carrier id was accepted by the carrier: its status is asked for where
 * the carrier has a status query (`fetchStatus`), and recorded. A text without one may or may not have reached
 * the carrier (neither Twilio nor Telnyx takes an idempotency key), and one whose carrier cannot be asked
 * cannot be settled either: both are marked `failed` with "status unknown", so staff see it and decide
 * whether to Retry, instead of a text that looks as if it were still on its way.
 */
import type { Db } from "../db/client";
import { recordCarrierOptOut } from "../db/queries/opt-outs";
import { settleStuck, stuckOutbound } from "../db/queries/messages";
import type { ClinicNumber, Message } from "../db/schema";
import type { Env } from "../env";
import type { StatusLookup } from "../carriers/carrier";
import { carrierAdapter, describeCarrierError } from "../carriers/registry";
import { describeError } from "../lib/errors";
import { apiBaseOf, credentialsOf } from "../messaging/credentials";
import { publishOptOut, publishStatus } from "../messaging/live";
import { isTerminal } from "../shared/status";

/**
 * Untouched this long means stuck: a live send is done within a minute (three tries of at most ten seconds
 * each, with pauses of at most five), and the drain sets `updated_at` when it claims a text.
 */
export const STUCK_AFTER_MS = 5 * 60_000;
/**
 * A text whose carrier could not answer (an outage, an error) is asked again on the next runs; after this
 * long without an answer it is given up as "status unknown".
 */
export const GIVE_UP_AFTER_MS = 6 * 60 * 60_000;
/** Texts looked at per run; the rest wait for the next hourly run. */
const LIMIT = 200;

export const STATUS_UNKNOWN = {
  code: "status_unknown",
  reason:
    "Status unknown: Textdesk lost track of this text before the carrier confirmed it, so it was not sent again. It may have gone out: check with the patient before retrying.",
} as const;

export type SweepResult = { checked: number; settled: number; failed: number; left: number };

export async function sweepStuckSends(deps: {
  db: Db;
  env: Env;
  now: number;
  budgetMs?: number;
  clock?: () => number;
  fetch?: typeof fetch;
}): Promise<SweepResult> {
  const { db, env, now } = deps;
  const clock = deps.clock ?? Date.now;
  const started = clock();
  const budgetMs = deps.budgetMs ?? Infinity;
  const result: SweepResult = { checked: 0, settled: 0, failed: 0, left: 0 };
  const stuck = await stuckOutbound(db, now - STUCK_AFTER_MS, LIMIT);
  for (const { message, number, phone } of stuck) {
    if (clock() - started >= budgetMs) break;
    result.checked++;
    const adapter = carrierAdapter(number.carrier);
    const askable = message.carrierMessageId !== null && adapter.fetchStatus !== undefined;
    const lookup = askable ? await askCarrier(env, number, message, deps.fetch) : null;
    if (lookup) {
      const failed = isTerminal(lookup.status) && lookup.status !== "delivered";
      const info = failed ? describeCarrierError(lookup.errorCode) : null;
      const updated = await settleStuck(
        db,
        { id: message.id, seenUpdatedAt: message.updatedAt },
        {
          status: lookup.status,
          errorCode: failed ? lookup.errorCode : null,
          errorReason: info?.reason ?? null,
        },
        now,
      );
      // Not moved: the carrier still has it queued (it will call back), or something settled it meanwhile.
      if (!updated) {
        result.left++;
        continue;
      }
      result.settled++;
      await publishStatus(env, db, updated);
      // As a status callback would (messaging/receive-webhook.ts): the carrier blocks this phone.
      if (info?.optedOut && lookup.errorCode !== null) {
        await recordCarrierOptOut(
          db,
          { orgId: number.orgId, numberId: number.id, phone, code: lookup.errorCode },
          now,
        );
        await publishOptOut(env, db, { numberId: number.id, phone, optedOut: true, changedAt: now });
      }
      continue;
    }
    if (askable && now - message.updatedAt < GIVE_UP_AFTER_MS) {
      result.left++;
      continue;
    }
    const failed = await settleStuck(
      db,
      { id: message.id, seenUpdatedAt: message.updatedAt },
      { status: "failed", errorCode: STATUS_UNKNOWN.code, errorReason: STATUS_UNKNOWN.reason },
      now,
    );
    if (failed) {
      result.failed++;
      await publishStatus(env, db, failed);
    } else result.left++;
  }
  return result;
}

/** The carrier's answer, or null when it gave none (logged by kind only: never phones or bodies). */
async function askCarrier(
  env: Env,
  number: ClinicNumber,
  message: Message,
  fetcher: typeof fetch | undefined,
): Promise<StatusLookup | null> {
  const adapter = carrierAdapter(number.carrier);
  if (!adapter.fetchStatus || message.carrierMessageId === null) return null;
  try {
    return await adapter.fetchStatus(message.carrierMessageId, {
      number,
      credentials: await credentialsOf(env, number),
      apiBase: apiBaseOf(env, number),
      publicBaseUrl: env.PUBLIC_BASE_URL,
      fetch: fetcher ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)),
    });
  } catch (error) {
    console.error(`status query for message ${message.id} failed:`, describeError(error));
    return null;
  }
}
