/** Photos and files of texts (MMS): one row per file, the bytes in R2. */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { MEDIA_STATES } from "../../shared/media";
import { createdAt, organizations, users } from "./practice";
import { conversations, messages } from "./messaging";

/**
 * An inbound file is stored `pending` with the message (same batch) and copied from the carrier into R2 after
 * the webhook's answer; a staff upload is a row without a message until the reply that sends it claims it
 * (`message_id` set then). The bytes live in R2 under `r2_key`, never in D1.
 */
export const messageMedia = sqliteTable(
  "message_media",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id),
    /** Null for an upload not sent yet (removed by the cron after a day). */
    messageId: integer("message_id").references(() => messages.id),
    /** Position within the message, from 0, in the carrier's order. */
    n: integer("n").notNull().default(0),
    /** Verified against the bytes once stored; what the carrier claimed while pending. */
    contentType: text("content_type").notNull(),
    size: integer("size"),
    state: text("state", { enum: MEDIA_STATES }).notNull(),
    r2Key: text("r2_key"),
    /** The carrier's URL while pending (cleared once copied). Never logged: it may be a capability URL. */
    sourceUrl: text("source_url"),
    /** Twilio's MediaSid (ME…), for deleting the carrier's copy after ours is verified. */
    carrierMediaId: text("carrier_media_id"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    /** Why a failed file could not be kept, in the front desk's words. */
    note: text("note"),
    /** The random id a staff upload is known by to the composer (`upload.id`); null for inbound files. */
    uploadId: text("upload_id"),
    uploadedBy: integer("uploaded_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("message_media_message_n_unique").on(t.messageId, t.n),
    uniqueIndex("message_media_upload_unique").on(t.uploadId),
    index("message_media_retry_idx")
      .on(t.nextAttemptAt)
      .where(sql`state = 'pending'`),
    index("message_media_unsent_idx")
      .on(t.createdAt)
      .where(sql`message_id is null`),
  ],
);

export type MessageMediaRow = typeof messageMedia.$inferSelect;
