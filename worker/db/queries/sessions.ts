import { eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { loginThrottle, organizations, sessions, users } from "../schema";

export async function createSession(db: Db, tokenHash: string, userId: number, now: number) {
  await db.insert(sessions).values({ tokenHash, userId, createdAt: now, lastSeenAt: now });
}

/** The session with its user and practice, in one round trip. */
export async function findSession(db: Db, tokenHash: string) {
  const rows = await db
    .select({ session: sessions, user: users, org: organizations })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(eq(sessions.tokenHash, tokenHash))
    .limit(1);
  return rows[0];
}

export async function touchSession(db: Db, tokenHash: string, now: number) {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
}

export async function deleteSession(db: Db, tokenHash: string) {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/**
 * Deletes up to `limit` sessions idle for longer than their practice's idle timeout: requireSession already
 * refuses them, but one never used again would stay for ever. Returns how many went.
 */
export async function deleteIdleSessions(db: Db, now: number, limit: number) {
  const result = await db.run(
    sql`delete from sessions where rowid in (
      select sessions.rowid from sessions
        join users on users.id = sessions.user_id
        join organizations on organizations.id = users.org_id
      where sessions.last_seen_at < ${now} - organizations.idle_timeout_minutes * 60000
      limit ${limit})`,
  );
  return result.meta.changes;
}

export function deleteUserSessions(db: Db, userId: number) {
  return db.delete(sessions).where(eq(sessions.userId, userId));
}

/** How long a sign-in throttle window lasts: its attempts count until then, and the row goes after. */
export const LOGIN_WINDOW_MS = 15 * 60_000;

/** One sign-in throttle counter: a key (`email:…` or `ip:…`) and how many attempts it may reserve. */
export type ThrottleKey = { key: string; limit: number };

/**
 * Reserves one sign-in attempt on every key, in one statement, before any password is checked: each row's
 * count goes up by one (restarting at 1 when its window has passed) and the new counts come back. SQLite runs
 * the upsert atomically, so fifty parallel guesses get counts 1…50 and only those within the limit may go on;
 * reading the count first and recording a failure after the check let every parallel guess through. The
 * `failures` column counts reserved attempts: a right password clears or refunds its own (see below).
 * Answers whether the attempt is allowed and, when not, when the earliest blocking window ends.
 */
export async function reserveLoginAttempt(db: Db, keys: ThrottleKey[], now: number, windowMs: number) {
  const expired = sql`${loginThrottle.windowStartedAt} <= ${now - windowMs}`;
  const rows = await db
    .insert(loginThrottle)
    .values(keys.map(({ key }) => ({ key, failures: 1, windowStartedAt: now })))
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`CASE WHEN ${expired} THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${expired} THEN ${now} ELSE ${loginThrottle.windowStartedAt} END`,
      },
    })
    .returning();
  const blocked = rows.filter((row) => row.failures > (keys.find((k) => k.key === row.key)?.limit ?? 0));
  if (blocked.length === 0) return { allowed: true as const };
  const retryAt = Math.max(...blocked.map((row) => row.windowStartedAt + windowMs));
  return { allowed: false as const, retryAfterMs: Math.max(retryAt - now, 1000) };
}

/** A right password: the account's count starts over. */
export async function clearLoginThrottle(db: Db, key: string) {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}

/**
 * A right password gives back the attempt it reserved on a shared key (the client's IP), so a clinic whose
 * staff all sign in from one address is limited by its wrong passwords, not by how many people work there.
 */
export async function refundLoginAttempt(db: Db, key: string) {
  await db
    .update(loginThrottle)
    .set({ failures: sql`max(${loginThrottle.failures} - 1, 0)` })
    .where(eq(loginThrottle.key, key));
}

/**
 * Deletes up to `limit` counters whose window started at or before `cutoff`: over, they count nothing (the
 * next attempt starts a new window), and their keys name an e-mail or an address. Returns how many went.
 */
export async function deleteLoginThrottlesBefore(db: Db, cutoff: number, limit: number) {
  const result = await db.run(
    sql`delete from login_throttle where rowid in (select rowid from login_throttle where window_started_at <= ${cutoff} limit ${limit})`,
  );
  return result.meta.changes;
}
