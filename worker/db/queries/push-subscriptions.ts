/**
 * @module The browsers staff asked to be notified on (Web Push). A user's device list, the upsert that keeps
 * them to MAX_DEVICES, and what the sender needs: who is pushed for a number's text, and what each push
 * service answered. Audit rows hold the label only, never the endpoint or keys.
 */
import { and, asc, eq, exists, inArray, lte, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { auditLog, pushSubscriptions, userNumbers, users, type PushSubscriptionRow } from "../schema";

/** A subscription failing this long (every push since then refused or unanswered) is removed. */
export const FAILING_REMOVE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

export type PushDeviceView = Pick<
  PushSubscriptionRow,
  "id" | "endpoint" | "label" | "createdAt" | "lastSuccessAt" | "failingSince"
>;

const viewColumns = {
  id: pushSubscriptions.id,
  endpoint: pushSubscriptions.endpoint,
  label: pushSubscriptions.label,
  createdAt: pushSubscriptions.createdAt,
  lastSuccessAt: pushSubscriptions.lastSuccessAt,
  failingSince: pushSubscriptions.failingSince,
};

export function listUserDevices(db: Db, userId: number): Promise<PushDeviceView[]> {
  return db
    .select(viewColumns)
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId))
    .orderBy(asc(pushSubscriptions.createdAt), asc(pushSubscriptions.id));
}

export type NewDevice = {
  orgId: number;
  userId: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  expirationTime: number | null;
  label: string;
};

/**
 * Stores the browser's subscription, or refreshes it (keys, label) when the endpoint is known: a repeat is
 * harmless, and the same browser signed in as someone else now notifies them, not the earlier user. The
 * device limit is checked in the same statement as the insert, so two tabs subscribing at once cannot pass
 * it together. `undefined`: the user already has `maxDevices` other devices; nothing was stored.
 */
export async function upsertDevice(
  db: Db,
  device: NewDevice,
  maxDevices: number,
  now: number,
): Promise<{ device: PushDeviceView; created: boolean } | undefined> {
  const [before] = await db
    .select({ userId: pushSubscriptions.userId })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.endpoint, device.endpoint));
  const mine = and(
    eq(pushSubscriptions.endpoint, device.endpoint),
    eq(pushSubscriptions.userId, device.userId),
  );
  const [, , rows] = await db.batch([
    // drizzle's insert ... select names every column in table order, so the select lists them all in order;
    // its `where` is also what SQLite's parser needs before `on conflict` in an upsert from a select.
    db
      .insert(pushSubscriptions)
      .select(
        sql`select null, ${device.orgId}, ${device.userId}, ${device.endpoint}, ${device.p256dh}, ${device.auth},
          ${device.expirationTime}, ${device.label}, ${now}, null, null
        where (select count(*) from push_subscriptions
               where user_id = ${device.userId} and endpoint <> ${device.endpoint}) < ${maxDevices}`,
      )
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: {
          orgId: sql`excluded.org_id`,
          userId: sql`excluded.user_id`,
          p256dh: sql`excluded.p256dh`,
          auth: sql`excluded.auth`,
          expirationTime: sql`excluded.expiration_time`,
          label: sql`excluded.label`,
          failingSince: null,
        },
      }),
    auditFrom(
      db,
      device,
      "push.subscribe",
      sql`endpoint = ${device.endpoint} and user_id = ${device.userId}`,
      now,
    ),
    db.select(viewColumns).from(pushSubscriptions).where(mine),
  ]);
  const [stored] = rows;
  if (!stored) return undefined;
  return { device: stored, created: before?.userId !== device.userId };
}

/** Removes one of the user's own devices; another user's id (or an unknown one) is `undefined`. */
export async function deleteUserDevice(
  db: Db,
  ref: { orgId: number; userId: number; id: number },
  now: number,
): Promise<PushDeviceView | undefined> {
  // The audit row first: it reads the label from the row about to go.
  const [, deleted] = await db.batch([
    auditFrom(db, ref, "push.unsubscribe", sql`id = ${ref.id} and user_id = ${ref.userId}`, now),
    db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.id, ref.id), eq(pushSubscriptions.userId, ref.userId)))
      .returning(viewColumns),
  ]);
  return deleted[0];
}

/** An audit row for the subscription `where` selects, in the same batch as the change (label only). */
function auditFrom(
  db: Db,
  actor: { orgId: number; userId: number },
  action: string,
  where: ReturnType<typeof sql>,
  now: number,
) {
  return db.insert(auditLog).select(
    sql`select null, ${actor.orgId}, ${actor.userId}, ${action}, 'push_subscription', cast(id as text),
          json_object('label', label), ${now}
        from push_subscriptions where ${where}`,
  );
}

export type PushTarget = Pick<PushSubscriptionRow, "id" | "userId" | "endpoint" | "p256dh" | "auth">;

/** What sending a push to a device needs (web-push.ts), for every query that picks devices. */
export const pushTargetColumns = {
  id: pushSubscriptions.id,
  userId: pushSubscriptions.userId,
  endpoint: pushSubscriptions.endpoint,
  p256dh: pushSubscriptions.p256dh,
  auth: pushSubscriptions.auth,
};

/**
 * Every device of every user told about a text on this number: active, in its practice, allowed to see it
 * (an admin, or granted), with the SMS Reply Alert privilege and not muted, as for the in-app toast.
 */
export function pushTargetsForNumber(db: Db, orgId: number, numberId: number): Promise<PushTarget[]> {
  return db
    .select(pushTargetColumns)
    .from(pushSubscriptions)
    .innerJoin(users, eq(users.id, pushSubscriptions.userId))
    .where(
      and(
        eq(users.orgId, orgId),
        eq(pushSubscriptions.orgId, orgId),
        eq(users.active, true),
        eq(users.smsReplyAlert, true),
        eq(users.muteAlerts, false),
        or(
          eq(users.role, "admin"),
          exists(
            db
              .select({ one: sql`1` })
              .from(userNumbers)
              .where(and(eq(userNumbers.userId, users.id), eq(userNumbers.numberId, numberId))),
          ),
        ),
      ),
    );
}

export async function markDelivered(db: Db, ids: number[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(pushSubscriptions)
    .set({ lastSuccessAt: now, failingSince: null })
    .where(inArray(pushSubscriptions.id, ids));
}

/** The push service says the subscription is gone (404, 410): it will never work again. */
export async function deleteGone(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.delete(pushSubscriptions).where(inArray(pushSubscriptions.id, ids));
}

/**
 * Marks failed deliveries (still 429/5xx after the retries, or no answer): the first failure since the last
 * success starts the clock, and a subscription failing for FAILING_REMOVE_AFTER_MS is removed now.
 */
export async function markFailing(db: Db, ids: number[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db.batch([
    db
      .update(pushSubscriptions)
      .set({ failingSince: sql`coalesce(${pushSubscriptions.failingSince}, ${now})` })
      .where(inArray(pushSubscriptions.id, ids)),
    db
      .delete(pushSubscriptions)
      .where(
        and(
          inArray(pushSubscriptions.id, ids),
          lte(pushSubscriptions.failingSince, now - FAILING_REMOVE_AFTER_MS),
        ),
      ),
  ]);
}

/** The cron job's sweep: subscriptions failing for 7 days that no push has touched since. Returns how many. */
export async function pruneFailingDevices(db: Db, now: number): Promise<number> {
  const removed = await db
    .delete(pushSubscriptions)
    .where(lte(pushSubscriptions.failingSince, now - FAILING_REMOVE_AFTER_MS))
    .returning({ id: pushSubscriptions.id });
  return removed.length;
}
