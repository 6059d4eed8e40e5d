import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { apiKeys } from "../schema";
import { auditInsert } from "./audit";

/** What an admin sees of a key: never the hash, nor the counter. */
const listColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
  webhookUrl: apiKeys.webhookUrl,
};
export type ApiKeyView = { [K in keyof typeof listColumns]: (typeof apiKeys.$inferSelect)[K] };

/** Last-used moves at most once a minute: people read it as "in use lately", not as a request log. */
const LAST_USED_GRANULARITY_MS = 60_000;

export async function insertApiKey(
  db: Db,
  key: { orgId: number; userId: number; name: string; prefix: string; secretHash: string },
  now: number,
): Promise<ApiKeyView> {
  const [[created]] = await db.batch([
    db
      .insert(apiKeys)
      .values({
        orgId: key.orgId,
        name: key.name,
        prefix: key.prefix,
        secretHash: key.secretHash,
        createdByUserId: key.userId,
        createdAt: now,
      })
      .returning(listColumns),
    auditInsert(
      db,
      { orgId: key.orgId, userId: key.userId, action: "api_key.create", detail: { prefix: key.prefix } },
      now,
    ),
  ]);
  if (!created) throw new Error("api key insert returned no row");
  return created;
}

export async function listApiKeys(db: Db, orgId: number): Promise<ApiKeyView[]> {
  return db.select(listColumns).from(apiKeys).where(eq(apiKeys.orgId, orgId)).orderBy(desc(apiKeys.id));
}

/** Revokes a key of this practice. Undefined when there is no such live key (unknown, foreign, revoked). */
export async function revokeApiKey(db: Db, orgId: number, id: number, userId: number, now: number) {
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)))
    .returning(listColumns);
  if (revoked) {
    await auditInsert(
      db,
      { orgId, userId, action: "api_key.revoke", targetType: "api_key", targetId: id },
      now,
    );
  }
  return revoked;
}

/**
 * Authenticates a key and counts the request in its fixed rate window, in ONE statement: a revoked or
 * unknown key matches no row, so revocation takes effect on the very next request. Every assignment reads
 * the row as it was, so the window check sees the old window start.
 */
export async function useApiKey(db: Db, secretHash: string, now: number, windowMs: number) {
  const windowStart = now - (now % windowMs);
  const [row] = await db
    .update(apiKeys)
    .set({
      rateCount: sql`case when ${apiKeys.rateWindowStart} = ${windowStart} then ${apiKeys.rateCount} + 1 else 1 end`,
      rateWindowStart: windowStart,
      lastUsedAt: sql`case when ${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} <= ${now - LAST_USED_GRANULARITY_MS} then ${now} else ${apiKeys.lastUsedAt} end`,
    })
    .where(and(eq(apiKeys.secretHash, secretHash), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, orgId: apiKeys.orgId, rateCount: apiKeys.rateCount });
  return row ? { ...row, windowStart } : undefined;
}
