/** Web Push: the browsers (devices) a staff member asked to be notified on. */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, organizations, users } from "./practice";

/**
 * One row per PushSubscription (RFC 8030). The endpoint is a capability URL of the browser's push service,
 * unique across users: the same browser signed in as someone else moves the row to them (see
 * upsertPushSubscription). Keys are the browser's (RFC 8291), not secrets of ours, but they let anyone send
 * to the device, so they never leave the Worker.
 */
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    endpoint: text("endpoint").notNull(),
    /** The browser's P-256 public key, base64url of the 65-byte uncompressed point. */
    p256dh: text("p256dh").notNull(),
    /** The 16-byte authentication secret, base64url. */
    auth: text("auth").notNull(),
    /** When the browser says the subscription ends (ms), usually null. */
    expirationTime: integer("expiration_time"),
    /** A label for the device list ("Chrome on Android"), from the user agent; never shown to others. */
    label: text("label").notNull().default(""),
    createdAt: createdAt(),
    lastSuccessAt: integer("last_success_at"),
    /** Set by the first failed delivery after a success, cleared by the next success; 7 days of it removes the row. */
    failingSince: integer("failing_since"),
  },
  (t) => [
    uniqueIndex("push_subscriptions_endpoint_unique").on(t.endpoint),
    index("push_subscriptions_user_idx").on(t.userId),
  ],
);

export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;
