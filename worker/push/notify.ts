/**
 * @module The push for a stored patient text, run from afterInbound (in `waitUntil`, after the carrier has its
 * answer). Every device of everyone told about the number's texts gets one, except the users looking at that
 * conversation right now (the number's Durable Object knows: presence.ts).
 *
 * What it says is deliberately bare: "New text on <number label>" and the practice name, and where to open.
 * Lock screens are public, so no patient name, phone or text ever goes to a push service or a device.
 *
 * Each push service is asked on its own and at once, each request cut off after PUSH_TIMEOUT_MS, so one
 * hanging service does not hold up the rest. 404/410 remove the subscription (RFC 8030 §7.3); 429 and 5xx are
 * retried a couple of times (Retry-After honoured up to a cap), then the subscription is marked failing, and
 * one failing for 7 days is removed (here on its next failure, or by the cron job).
 */
import type { Db } from "../db/client";
import type { Env } from "../env";
import type { ClinicNumber } from "../db/schema";
import { getOrganization } from "../db/queries/organizations";
import {
  deleteGone,
  markDelivered,
  markFailing,
  pushTargetsForNumber,
  type PushTarget,
} from "../db/queries/push-subscriptions";
import { describeError } from "../lib/errors";
import { hubFor } from "../messaging/hub";
import { buildPushRequest, type VapidKeys } from "./web-push";

export const PUSH_TIMEOUT_MS = 5_000;
export const PUSH_ATTEMPTS = 3;
/** The longest wait between attempts: `waitUntil` has 30 s after the response, for every device at once. */
export const MAX_RETRY_DELAY_MS = 4_000;
/** A push for a text older than this is noise: the push service may drop it (RFC 8030 §5.2). */
const TTL_S = 60 * 60;

/** What the service worker (public/sw-push.js) shows. Nothing about the patient, by design. */
export type PushPayload = { title: string; body: string; url: string };

export type NotifyInput = {
  db: Db;
  env: Env;
  number: ClinicNumber;
  conversationId: number;
  now: number;
};

export type NotifyOptions = {
  /** Waits between attempts; tests pass one that records instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
};

type Outcome = "delivered" | "gone" | "failing";

export function vapidKeys(env: Env): VapidKeys | null {
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey, VAPID_SUBJECT: subject } = env;
  // The example file's placeholders (before the first `npm run dev`) and an unset secret mean "push is off".
  if (!publicKey?.startsWith("B") || !privateKey || privateKey.startsWith("generated-") || !subject)
    return null;
  return { publicKey, privateKey, subject };
}

export function newTextPayload(
  number: Pick<ClinicNumber, "id" | "label">,
  practice: string,
  conversationId: number,
) {
  return {
    title: `New text on ${number.label}`,
    body: practice,
    url: `/queue?number=${number.id}&conversation=${conversationId}`,
  } satisfies PushPayload;
}

/** Never throws: a push is a courtesy on top of the queue, which already has the text. */
export async function pushNewText(input: NotifyInput, options: NotifyOptions = {}): Promise<void> {
  try {
    if (!vapidKeys(input.env)) return;
    const { db, env, number, conversationId, now } = input;
    const all = await pushTargetsForNumber(db, number.orgId, number.id);
    if (all.length === 0) return;
    const viewing = new Set(await viewersOf(env, number.id, conversationId));
    const targets = all.filter((t) => !viewing.has(t.userId));
    if (targets.length === 0) return;
    const org = await getOrganization(db, number.orgId);
    await pushTo(
      {
        db,
        env,
        targets,
        payload: newTextPayload(number, org?.name ?? number.label, conversationId),
        // One pending push per conversation at the push service: a second text replaces the first.
        topic: `c${conversationId}`,
        now,
      },
      options,
    );
  } catch (error) {
    console.error("push failed:", describeError(error));
  }
}

export type PushBatch = {
  db: Db;
  env: Env;
  targets: PushTarget[];
  payload: PushPayload;
  /** The push service keeps one pending push per topic (RFC 8030 §5.4): a newer one replaces it. */
  topic: string;
  now: number;
};

/**
 * One payload to every target device at once, then each subscription's bookkeeping (delivered, gone,
 * failing). Returns how many devices were sent to (0 when push is off). Never throws.
 */
export async function pushTo(batch: PushBatch, options: NotifyOptions = {}): Promise<number> {
  try {
    const vapid = vapidKeys(batch.env);
    if (!vapid || batch.targets.length === 0) return 0;
    const { db, now } = batch;
    const payload = JSON.stringify(batch.payload);
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const outcomes = await Promise.all(
      batch.targets.map(async (target) => ({
        id: target.id,
        outcome: await deliver(target, payload, vapid, batch.topic, now, sleep),
      })),
    );
    const idsWith = (o: Outcome) => outcomes.filter((r) => r.outcome === o).map((r) => r.id);
    const at = Date.now();
    await markDelivered(db, idsWith("delivered"), at);
    await deleteGone(db, idsWith("gone"));
    await markFailing(db, idsWith("failing"), at);
    return outcomes.length;
  } catch (error) {
    console.error("push failed:", describeError(error));
    return 0;
  }
}

/** Who has this conversation open; if the object cannot say, nobody (a push too many beats a missed text). */
export async function viewersOf(env: Env, numberId: number, conversationId: number): Promise<number[]> {
  try {
    return await hubFor(env, numberId).viewersOf(conversationId);
  } catch (error) {
    console.error("push viewers unknown:", describeError(error));
    return [];
  }
}

async function deliver(
  target: PushTarget,
  payload: string,
  vapid: VapidKeys,
  topic: string,
  now: number,
  sleep: (ms: number) => Promise<void>,
): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    let status: number;
    let retryAfter: string | null = null;
    try {
      // Built anew each attempt: a fresh JWT and salt, and a Request body can be read only once.
      const request = await buildPushRequest(target, payload, vapid, {
        ttl: TTL_S,
        urgency: "high",
        topic,
        now,
      });
      const response = await fetch(request, { signal: AbortSignal.timeout(PUSH_TIMEOUT_MS) });
      status = response.status;
      retryAfter = response.headers.get("retry-after");
      // Nothing to read, but an unread body holds the connection open.
      await response.body?.cancel();
    } catch (error) {
      // A timeout or a network failure: retrying a hanging service would only hang again.
      console.error("push request failed:", describeError(error));
      return "failing";
    }
    if (status >= 200 && status < 300) return "delivered";
    if (status === 404 || status === 410) return "gone";
    const retryable = status === 429 || status >= 500;
    if (!retryable || attempt >= PUSH_ATTEMPTS) return "failing";
    await sleep(retryDelay(retryAfter, attempt));
  }
}

/** Retry-After in seconds or as a date (RFC 9110 §10.2.3), else 0.5 s, 1 s, …; never above the cap. */
export function retryDelay(retryAfter: string | null, attempt: number, now = Date.now()): number {
  const backoff = 500 * 2 ** (attempt - 1);
  if (retryAfter === null) return Math.min(backoff, MAX_RETRY_DELAY_MS);
  const seconds = Number(retryAfter);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
  if (!Number.isFinite(ms)) return Math.min(backoff, MAX_RETRY_DELAY_MS);
  return Math.min(Math.max(ms, 0), MAX_RETRY_DELAY_MS);
}
