/**
 * The one source of the tables. drizzle-kit generates `migrations/` from this file; wrangler applies them.
 * Times are integer milliseconds since the epoch so they cross the API as plain numbers.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const ROLES = ["admin", "staff"] as const;
export type Role = (typeof ROLES)[number];

export const CARRIERS = ["twilio", "telnyx", "simulator"] as const;
export type Carrier = (typeof CARRIERS)[number];

export const MESSAGE_DIRECTIONS = ["in", "out"] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];
export const MESSAGE_KINDS = ["reply", "direct", "reminder", "campaign", "auto_reply", "alert"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export const MESSAGE_STATUSES = [
  "received",
  "queued",
  "sending",
  "sent",
  "delivered",
  "undelivered",
  "failed",
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Opening hours for each weekday as "HH:MM" in the number's timezone; a missing or null day is closed. */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type OfficeHours = Partial<Record<Weekday, { open: string; close: string } | null>>;

const createdAt = () =>
  integer("created_at")
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

/** A practice. Every other row hangs off one. */
export const organizations = sqliteTable("organizations", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  timezone: text("timezone").notNull().default("America/Chicago"),
  queueWindowDays: integer("queue_window_days").notNull().default(10),
  idleTimeoutMinutes: integer("idle_timeout_minutes").notNull().default(30),
  createdAt: createdAt(),
  /**
   * Campaign texts go out only between these local times ("HH:MM") in the patient's timezone (FCC 47 CFR
   * 64.1200(c)(1): 8 a.m. to 9 p.m.). Reminders and staff replies are never held. See domain/quiet-hours.ts.
   */
  quietHoursStart: text("quiet_hours_start").notNull().default("08:00"),
  quietHoursEnd: text("quiet_hours_end").notNull().default("21:00"),
});

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull().default("staff"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    passwordHash: text("password_hash").notNull(),
    /** "SMS Reply Alert": toast (and system notification) for every inbound text. */
    smsReplyAlert: integer("sms_reply_alert", { mode: "boolean" }).notNull().default(true),
    /** "SMS Reply Sound": the chime. */
    smsReplySound: integer("sms_reply_sound", { mode: "boolean" }).notNull().default(true),
    /** The user's own switches, inside what the admin granted: an alert shows only if granted and not muted. */
    muteAlerts: integer("mute_alerts", { mode: "boolean" }).notNull().default(false),
    muteSound: integer("mute_sound", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email), index("users_org_idx").on(t.orgId)],
);

export const clinicNumbers = sqliteTable(
  "clinic_numbers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    /** E.164. A number belongs to exactly one practice, which is how webhooks find their tenant. */
    e164: text("e164").notNull(),
    label: text("label").notNull(),
    carrier: text("carrier", { enum: CARRIERS }).notNull(),
    /** Twilio Account SID or Telnyx messaging profile; not secret, used to refuse another account's webhooks. */
    carrierAccountId: text("carrier_account_id"),
    /** AES-GCM ciphertext of the carrier secrets (auth token, API key, public key), see lib/credentials.ts. */
    credentialsCiphertext: text("credentials_ciphertext"),
    timezone: text("timezone").notNull().default("America/Chicago"),
    /**
     * Whether the carrier itself answers STOP/START/HELP (Twilio's default STOP filtering does), so we never
     * send a second confirmation. Null means the carrier's default: see carrierHandlesKeywords().
     */
    carrierHandlesOptOut: integer("carrier_handles_opt_out", { mode: "boolean" }),
    /** Office hours per weekday in `timezone`; null turns after-hours alerts off. See domain/after-hours.ts. */
    officeHours: text("office_hours", { mode: "json" }).$type<OfficeHours>(),
    /** E.164 phones (the doctor's cell) told about texts that arrive outside office hours. */
    alertPhones: text("alert_phones", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** At most one after-hours alert per number per this many minutes. */
    afterHoursQuietMinutes: integer("after_hours_quiet_minutes").notNull().default(15),
    lastAfterHoursAlertAt: integer("last_after_hours_alert_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("clinic_numbers_e164_unique").on(t.e164), index("clinic_numbers_org_idx").on(t.orgId)],
);

/** Which clinic numbers a staff user may see. Admins see every number of their practice. */
export const userNumbers = sqliteTable(
  "user_numbers",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.numberId] }), index("user_numbers_number_idx").on(t.numberId)],
);

/** The Rolodex. */
export const patients = sqliteTable(
  "patients",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    /** E.164; not unique: a family may share one phone. */
    phone: text("phone").notNull(),
    dateOfBirth: text("date_of_birth"),
    notes: text("notes"),
    /** The practice-management system's id, for API sync. */
    externalId: text("external_id"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull().default(0),
    /** IANA zone of the patient, from the practice system; null means the practice's. Drives quiet hours. */
    timezone: text("timezone"),
  },
  (t) => [
    index("patients_org_phone_idx").on(t.orgId, t.phone),
    index("patients_org_last_idx").on(t.orgId, sql`${t.lastName} COLLATE NOCASE`),
    index("patients_org_first_idx").on(t.orgId, sql`${t.firstName} COLLATE NOCASE`),
    uniqueIndex("patients_org_external_unique").on(t.orgId, t.externalId),
  ],
);

/** Server-side sessions: the cookie holds a random token, the table holds only its SHA-256. */
export const sessions = sqliteTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: integer("last_seen_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Failed sign-ins per e-mail within a window, for the login rate limit. */
export const loginThrottle = sqliteTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStartedAt: integer("window_started_at").notNull(),
});

/** Who did what. Never holds message bodies or phone numbers. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    userId: integer("user_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_org_created_idx").on(t.orgId, t.createdAt)],
);

/** One clinic number and one remote phone. Read state is shared by the whole front desk. */
export const conversations = sqliteTable(
  "conversations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id),
    phone: text("phone").notNull(),
    lastMessageAt: integer("last_message_at").notNull(),
    lastMessagePreview: text("last_message_preview").notNull().default(""),
    unread: integer("unread", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("conversations_number_phone_unique").on(t.numberId, t.phone),
    index("conversations_number_last_idx").on(t.numberId, t.lastMessageAt, t.id),
  ],
);

export const messages = sqliteTable(
  "messages",
  {
    /** Monotonic: also the cursor live clients resume from. */
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id),
    direction: text("direction", { enum: MESSAGE_DIRECTIONS }).notNull(),
    kind: text("kind", { enum: MESSAGE_KINDS }).notNull(),
    body: text("body").notNull(),
    status: text("status", { enum: MESSAGE_STATUSES }).notNull(),
    carrier: text("carrier", { enum: CARRIERS }).notNull(),
    /** The carrier's id: unique per carrier, the idempotency key of every webhook. */
    carrierMessageId: text("carrier_message_id"),
    errorCode: text("error_code"),
    errorReason: text("error_reason"),
    segments: integer("segments").notNull().default(1),
    encoding: text("encoding", { enum: ["GSM-7", "UCS-2"] })
      .notNull()
      .default("GSM-7"),
    authorUserId: integer("author_user_id").references(() => users.id),
    /** Client-supplied key so a double click or a retried request never sends twice. */
    idempotencyKey: text("idempotency_key"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull().default(0),
    /**
     * Set only on texts the practice-system API queued for background delivery: the clinic number's Durable
     * Object sends a `queued` row once this time has come (later than creation for a campaign held by quiet
     * hours). Null for every text sent inline, so the drain never picks up a send that is in flight.
     */
    sendAfter: integer("send_after"),
  },
  (t) => [
    index("messages_pending_idx")
      .on(t.numberId, t.sendAfter)
      .where(sql`status = 'queued' and send_after is not null`),
    uniqueIndex("messages_carrier_id_unique").on(t.carrier, t.carrierMessageId),
    uniqueIndex("messages_idempotency_unique").on(t.numberId, t.idempotencyKey),
    index("messages_conversation_idx").on(t.conversationId, t.id),
    index("messages_created_idx").on(t.createdAt),
  ],
);

/** Opt-out state per clinic number and phone. Blocks every outbound path while `optedOut`. */
export const optOuts = sqliteTable(
  "opt_outs",
  {
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id),
    phone: text("phone").notNull(),
    optedOut: integer("opted_out", { mode: "boolean" }).notNull(),
    keyword: text("keyword").notNull(),
    changedAt: integer("changed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.numberId, t.phone] })],
);

/** Every opt-out and opt-in, kept forever as the compliance record (opt_outs holds only the current state). */
export const optOutEvents = sqliteTable(
  "opt_out_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id),
    phone: text("phone").notNull(),
    optedOut: integer("opted_out", { mode: "boolean" }).notNull(),
    /** The normalised keyword or phrase ("STOP", "opt out"), or "carrier:21610" when the carrier told us. */
    keyword: text("keyword").notNull(),
    /** The inbound message that caused it, when there was one. */
    messageId: integer("message_id"),
    createdAt: createdAt(),
  },
  (t) => [index("opt_out_events_number_phone_idx").on(t.numberId, t.phone, t.id)],
);

/**
 * Carrier webhook event ids already processed. Telnyx documents that events may arrive duplicated,
 * simultaneous and out of order (developers.telnyx.com/docs/messaging/messages/receiving-webhooks).
 */
export const carrierEvents = sqliteTable(
  "carrier_events",
  {
    carrier: text("carrier", { enum: CARRIERS }).notNull(),
    eventId: text("event_id").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.carrier, t.eventId] }),
    index("carrier_events_received_idx").on(t.receivedAt),
  ],
);

export type Organization = typeof organizations.$inferSelect;
export type User = typeof users.$inferSelect;
export type ClinicNumber = typeof clinicNumbers.$inferSelect;
export type Patient = typeof patients.$inferSelect;
export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type OptOutEvent = typeof optOutEvents.$inferSelect;

/**
 * One NDJSON object in the R2 archive: a chunk of one clinic number's messages from one UTC day, written by
 * the prune job (jobs/prune-and-archive.ts). The row is the manifest: it exists before the object is written
 * (`writing`), becomes `verified` once the object was read back with the same row count and SHA-256, and
 * `pruned` once exactly the rows listed in the object have left D1. Exports read only verified objects.
 */
export const ARCHIVE_STATUSES = ["writing", "verified", "pruned"] as const;
export type ArchiveStatus = (typeof ARCHIVE_STATUSES)[number];

export const archiveObjects = sqliteTable(
  "archive_objects",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id),
    /** Deterministic from the content (number, UTC day, first and last id), so a rewrite is identical. */
    key: text("key").notNull(),
    day: text("day").notNull(),
    firstId: integer("first_id").notNull(),
    lastId: integer("last_id").notNull(),
    minCreatedAt: integer("min_created_at").notNull(),
    maxCreatedAt: integer("max_created_at").notNull(),
    rows: integer("rows").notNull(),
    bytes: integer("bytes").notNull(),
    sha256: text("sha256").notNull(),
    status: text("status", { enum: ARCHIVE_STATUSES }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("archive_objects_key_unique").on(t.key),
    index("archive_objects_number_time_idx").on(t.numberId, t.minCreatedAt),
    index("archive_objects_status_idx").on(t.status),
  ],
);

/**
 * Where one conversation's rows sit inside an archive object: the object is sorted by conversation, then id,
 * so a conversation export reads just its byte range (an R2 ranged GET) instead of the whole day.
 */
export const archiveSegments = sqliteTable(
  "archive_segments",
  {
    objectId: integer("object_id")
      .notNull()
      .references(() => archiveObjects.id, { onDelete: "cascade" }),
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id),
    firstId: integer("first_id").notNull(),
    lastId: integer("last_id").notNull(),
    rows: integer("rows").notNull(),
    offset: integer("offset").notNull(),
    length: integer("length").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.objectId, t.conversationId] }),
    index("archive_segments_conversation_idx").on(t.conversationId, t.firstId),
  ],
);

/** A lease so two overlapping cron runs (or a manual run) never work on the same rows at once. */
export const jobLeases = sqliteTable("job_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

export const EXPORT_FORMATS = ["csv", "html"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_STATUSES = ["pending", "running", "done", "failed", "expired"] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** A history export: one conversation, or (admins) a date range of a whole clinic number. */
export const historyExports = sqliteTable(
  "exports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id),
    /** Null for a range export of the whole number. */
    conversationId: integer("conversation_id").references(() => conversations.id),
    phone: text("phone"),
    /** Range exports: [rangeFrom, rangeTo) in ms. */
    rangeFrom: integer("range_from"),
    rangeTo: integer("range_to"),
    format: text("format", { enum: EXPORT_FORMATS }).notNull(),
    status: text("status", { enum: EXPORT_STATUSES }).notNull(),
    /** Why it failed, for people: never a body or a phone. */
    error: text("error"),
    r2Key: text("r2_key"),
    rows: integer("rows").notNull().default(0),
    bytes: integer("bytes").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    expiresAt: integer("expires_at"),
  },
  (t) => [
    index("exports_user_created_idx").on(t.userId, t.id),
    index("exports_status_expires_idx").on(t.status, t.expiresAt),
  ],
);

export type ArchiveObject = typeof archiveObjects.$inferSelect;
export type ArchiveSegment = typeof archiveSegments.$inferSelect;
export type HistoryExport = typeof historyExports.$inferSelect;

/**
 * The live feed's log: one row per change a screen must see (message stored, status moved, read state,
 * opt-out). Its id is the cursor clients resume from after a reconnect; rows older than the queue window
 * are pruned with the messages.
 */
export const LIVE_EVENT_TYPES = ["message", "message_status", "read_state", "opt_out"] as const;
export const liveEvents = sqliteTable(
  "live_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id),
    type: text("type", { enum: LIVE_EVENT_TYPES }).notNull(),
    /** The event without its cursor, as JSON: what the socket sends. */
    payload: text("payload").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("live_events_number_idx").on(t.numberId, t.id),
    index("live_events_created_idx").on(t.createdAt),
  ],
);

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
