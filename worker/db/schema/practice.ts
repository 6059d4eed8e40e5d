/** The practice and its people: organizations, users, clinic numbers, the Rolodex, sessions, the audit trail. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { EscalationSettings } from "../../shared/escalation";

export const ROLES = ["admin", "staff"] as const;
export type Role = (typeof ROLES)[number];

export const CARRIERS = ["twilio", "telnyx", "simulator"] as const;
export type Carrier = (typeof CARRIERS)[number];

/** Opening hours for each weekday as "HH:MM" in the number's timezone; a missing or null day is closed. */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type OfficeHours = Partial<Record<Weekday, { open: string; close: string } | null>>;

/** Times are integer milliseconds since the epoch, so they cross the API as plain numbers. */
export const createdAt = () =>
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
    /**
     * Sent once per conversation per closed period to a patient who texts outside office hours; null is off.
     * May hold `{opensAt}`. Independent of the doctor's alert above.
     */
    awayMessage: text("away_message"),
    /** After a verified copy of an inbound photo into R2, delete it from the carrier (Twilio), so PHI does not stay there. */
    deleteMediaAfterCopy: integer("delete_media_after_copy", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    /** Pushes when nobody answers (shared/escalation.ts, messaging/escalation.ts); null is off. */
    escalation: text("escalation", { mode: "json" }).$type<EscalationSettings>(),
    /** The last escalation push: at most one per number per ESCALATION_QUIET_MS. */
    lastEscalationAt: integer("last_escalation_at"),
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

/**
 * The practice's saved replies. The body may hold placeholders (shared/placeholders.ts), filled in the
 * composer for the conversation at hand; an unknown one is refused on save.
 */
export const quickReplies = sqliteTable(
  "quick_replies",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    body: text("body").notNull(),
    createdBy: integer("created_by").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: integer("updated_at").notNull().default(0),
  },
  (t) => [uniqueIndex("quick_replies_org_name_unique").on(t.orgId, sql`${t.name} COLLATE NOCASE`)],
);
export type QuickReply = typeof quickReplies.$inferSelect;

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

/**
 * Sign-in attempts per e-mail or client address within a window, for the login rate limit. Its keys name
 * people and addresses, so a row is deleted once its window is over (jobs/prune-live-events.ts).
 */
export const loginThrottle = sqliteTable(
  "login_throttle",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull(),
    windowStartedAt: integer("window_started_at").notNull(),
  },
  (t) => [index("login_throttle_window_idx").on(t.windowStartedAt)],
);

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

export type Organization = typeof organizations.$inferSelect;
export type User = typeof users.$inferSelect;
export type ClinicNumber = typeof clinicNumbers.$inferSelect;
export type Patient = typeof patients.$inferSelect;
