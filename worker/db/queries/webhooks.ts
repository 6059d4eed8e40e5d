import { and, eq, isNotNull, isNull, max } from "drizzle-orm";
import type { Db } from "../client";
import { apiKeys, clinicNumbers, liveEvents, webhookCursors } from "../schema";
import { auditInsert } from "./audit";

/** Sets (or with nulls, removes) a live key's webhook. Undefined when the practice has no such live key. */
export async function setWebhook(
  db: Db,
  target: { orgId: number; keyId: number; userId: number },
  webhook: { url: string; secretCiphertext: string } | null,
  now: number,
) {
  const [latest] = await db.select({ id: max(liveEvents.id) }).from(liveEvents);
  const [row] = await db
    .update(apiKeys)
    .set({
      webhookUrl: webhook?.url ?? null,
      webhookSecretCiphertext: webhook?.secretCiphertext ?? null,
      webhookSinceEventId: latest?.id ?? 0,
    })
    .where(and(eq(apiKeys.id, target.keyId), eq(apiKeys.orgId, target.orgId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, webhookUrl: apiKeys.webhookUrl });
  if (row) {
    // A new URL starts from now: forget how far an earlier URL had got.
    await db.batch([
      db.delete(webhookCursors).where(eq(webhookCursors.keyId, row.id)),
      auditInsert(
        db,
        {
          orgId: target.orgId,
          userId: target.userId,
          action: webhook ? "api_key.webhook_set" : "api_key.webhook_removed",
          targetType: "api_key",
          targetId: row.id,
        },
        now,
      ),
    ]);
  }
  return row;
}

/** The live keys with a webhook in the practice that owns this clinic number. */
export async function webhookKeysForNumber(db: Db, numberId: number) {
  return db
    .select({
      id: apiKeys.id,
      url: apiKeys.webhookUrl,
      secretCiphertext: apiKeys.webhookSecretCiphertext,
      sinceEventId: apiKeys.webhookSinceEventId,
    })
    .from(apiKeys)
    .innerJoin(clinicNumbers, eq(clinicNumbers.orgId, apiKeys.orgId))
    .where(
      and(
        eq(clinicNumbers.id, numberId),
        isNull(apiKeys.revokedAt),
        isNotNull(apiKeys.webhookUrl),
        isNotNull(apiKeys.webhookSecretCiphertext),
      ),
    );
}

export async function getCursor(db: Db, keyId: number, numberId: number) {
  return db.query.webhookCursors.findFirst({
    where: and(eq(webhookCursors.keyId, keyId), eq(webhookCursors.numberId, numberId)),
  });
}

export async function saveCursor(db: Db, cursor: typeof webhookCursors.$inferInsert) {
  await db
    .insert(webhookCursors)
    .values(cursor)
    .onConflictDoUpdate({
      target: [webhookCursors.keyId, webhookCursors.numberId],
      set: { lastEventId: cursor.lastEventId, failures: cursor.failures, retryAt: cursor.retryAt },
    });
}
