/** @module SQL of `job_leases`: the named leases that keep two overlapping cron runs of a job apart. */
import { and, eq, lte } from "drizzle-orm";
import type { Db } from "../client";
import { jobLeases } from "../schema";

/**
 * Takes the named lease if it is free or expired. One statement, so two runs racing for it cannot both win:
 * D1 runs writes one at a time. Returns whether this holder got it.
 */
export async function acquireLease(db: Db, name: string, holder: string, now: number, ttlMs: number) {
  const rows = await db
    .insert(jobLeases)
    .values({ name, holder, expiresAt: now + ttlMs })
    .onConflictDoUpdate({
      target: jobLeases.name,
      set: { holder, expiresAt: now + ttlMs },
      setWhere: lte(jobLeases.expiresAt, now),
    })
    .returning({ holder: jobLeases.holder });
  return rows[0]?.holder === holder;
}

export async function releaseLease(db: Db, name: string, holder: string) {
  await db.delete(jobLeases).where(and(eq(jobLeases.name, name), eq(jobLeases.holder, holder)));
}
