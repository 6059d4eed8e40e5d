/** The practice-system API: keys and their webhook cursors. */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { clinicNumbers, organizations, users } from "./practice";

/**
 * Keys the practice-management system uses for /api/v1. Only the SHA-256 of the secret is stored; the secret
 * is shown once at creation. The same row carries the key's fixed-window request counter, so authenticating,
 * counting and touching last-used are one UPDATE (worker/db/queries/api-keys.ts).
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    /** The first characters of the secret ("tdk_AbCd1234"), so people can tell keys apart. Not secret. */
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    createdByUserId: integer("created_by_user_id").references(() => users.id),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
    rateWindowStart: integer("rate_window_start").notNull().default(0),
    rateCount: integer("rate_count").notNull().default(0),
    /** Where replies and status changes are POSTed, signed with the key's webhook secret; null: none. */
    webhookUrl: text("webhook_url"),
    /** AES-GCM ciphertext of the webhook signing secret (lib/credentials.ts): it must be read back to sign. */
    webhookSecretCiphertext: text("webhook_secret_ciphertext"),
    /** The live event id when the webhook was set: only later events are sent. */
    webhookSinceEventId: integer("webhook_since_event_id").notNull().default(0),
  },
  (t) => [uniqueIndex("api_keys_secret_hash_unique").on(t.secretHash), index("api_keys_org_idx").on(t.orgId)],
);

export type ApiKey = typeof apiKeys.$inferSelect;

/**
 * How far each key's webhook has got through one clinic number's live events (messaging/practice-webhooks.ts).
 * Per number, because each number's Durable Object sends its own events, one at a time.
 */
export const webhookCursors = sqliteTable(
  "webhook_cursors",
  {
    keyId: integer("key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id),
    lastEventId: integer("last_event_id").notNull(),
    failures: integer("failures").notNull().default(0),
    retryAt: integer("retry_at"),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.numberId] })],
);
