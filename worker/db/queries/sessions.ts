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

export function deleteUserSessions(db: Db, userId: number) {
  return db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Failures of `key` counted in the current window; the window restarts once it has passed. */
export async function recordLoginFailure(db: Db, key: string, now: number, windowMs: number) {
  await db
    .insert(loginThrottle)
    .values({ key, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`CASE WHEN ${loginThrottle.windowStartedAt} < ${now - windowMs} THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${loginThrottle.windowStartedAt} < ${now - windowMs} THEN ${now} ELSE ${loginThrottle.windowStartedAt} END`,
      },
    });
}

export async function getLoginThrottle(db: Db, key: string) {
  return db.query.loginThrottle.findFirst({ where: eq(loginThrottle.key, key) });
}

export async function clearLoginThrottle(db: Db, key: string) {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
