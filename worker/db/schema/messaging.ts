/** Texts: conversations, messages, opt-outs, carrier event dedupe and the live feed's log. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { CARRIERS, clinicNumbers, createdAt, organizations, users } from "./practice";
import {
  MESSAGE_DIRECTIONS,
  MESSAGE_KINDS,
  MESSAGE_STATUSES,
  type MessageDirection,
  type MessageKind,
  type MessageStatus,
} from "../../shared/messages";
import { CONVERSATION_STATES } from "../../shared/team";
import { LIVE_EVENT_TYPES } from "../../shared/live-protocol";
import { APPOINTMENT_INTENTS, type AppointmentReply } from "../../shared/reminders";

// Directions, kinds and statuses are shared with the web app (worker/shared/messages.ts); the columns' enums
// are those lists.
export {
  MESSAGE_DIRECTIONS,
  MESSAGE_KINDS,
  MESSAGE_STATUSES,
  type MessageDirection,
  type MessageKind,
  type MessageStatus,
};

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
    /** Open (in the default view), done, or snoozed until `snoozedUntil`. A patient's text reopens it. */
    state: text("state", { enum: CONVERSATION_STATES }).notNull().default("open"),
    snoozedUntil: integer("snoozed_until"),
    /** Who has it; null is unassigned. Replying to an unassigned conversation assigns it to the sender. */
    assignedUserId: integer("assigned_user_id").references(() => users.id),
    /** When the away reply last went to this phone: at most one per closed period. */
    awayRepliedAt: integer("away_replied_at"),
    /**
     * When the patient's first text nobody has answered yet arrived (the escalation episode's start); a
     * staff reply after it ends the episode, which the number's alarm notices (messaging/escalation.ts).
     */
    unansweredSince: integer("unanswered_since"),
    /** When this episode was escalated (pushed, or settled without a push): never twice per episode. */
    escalatedAt: integer("escalated_at"),
    /** An after-hours alert text held back until then: sent only if the conversation is still unread. */
    alertDueAt: integer("alert_due_at"),
    /**
     * The patient's latest reply to a reminder was read as reschedule, cancel, not understood or an opt-out
     * (NEEDS_ATTENTION_INTENTS), and no staff text or Done came after it: the queue's Needs attention view.
     * Set when a reply is read or corrected (messaging/reminder-replies.ts), cleared by a staff text
     * (queries/messages.ts bumpConversation) or Done (messaging/conversation-state.ts).
     */
    needsAttention: integer("needs_attention", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("conversations_number_phone_unique").on(t.numberId, t.phone),
    index("conversations_number_last_idx").on(t.numberId, t.lastMessageAt, t.id),
    // The alarm's snooze wake-ups: the earliest snoozed conversation of a number.
    index("conversations_snoozed_idx")
      .on(t.numberId, t.snoozedUntil)
      .where(sql`state = 'snoozed'`),
    // The alarm's escalation step: a number's episodes still to settle, and its held-back alerts.
    index("conversations_unanswered_idx")
      .on(t.numberId, t.unansweredSince)
      .where(sql`unanswered_since is not null and escalated_at is null`),
    index("conversations_alert_due_idx")
      .on(t.numberId, t.alertDueAt)
      .where(sql`alert_due_at is not null`),
    // The Needs attention view: few rows per number, in the queue's order.
    index("conversations_attention_idx")
      .on(t.numberId, t.lastMessageAt, t.id)
      .where(sql`needs_attention = 1`),
  ],
);

export const messages = sqliteTable(
  "messages",
  {
    /**
     * Monotonic (AUTOINCREMENT): exports and the archive page through a thread by it. Not the live cursor:
     * clients resume from `live_events.id`.
     */
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
    /** A staff member's send-later text: withdrawn (status `cancelled`) if the patient texts before it goes. */
    cancelOnReply: integer("cancel_on_reply", { mode: "boolean" }).notNull().default(false),
    /*
     * A reminder about an appointment (POST /api/v1/messages with `appointment`): the practice system's id,
     * the time (epoch ms), its short label, whether it asked for an answer, and the patient's externalId
     * when the recipient was named by one (the webhook's `externalId`, the family question's first name).
     */
    appointmentId: text("appointment_id"),
    appointmentStartsAt: integer("appointment_starts_at"),
    appointmentLabel: text("appointment_label"),
    appointmentExpects: text("appointment_expects", { enum: ["confirmation"] }),
    appointmentExternalId: text("appointment_external_id"),
    /**
     * On such a reminder: what the patient's reply meant, which reply (message id) and when it came. A
     * reminder is outstanding while this is null or `unknown` (messaging/reminder-replies.ts).
     */
    appointmentResponse: text("appointment_response", { enum: APPOINTMENT_INTENTS }),
    appointmentResponseMessageId: integer("appointment_response_message_id"),
    appointmentResponseAt: integer("appointment_response_at"),
    /** On a patient's reply read as answering reminders: the reading (LiveMessage.appointmentReply). */
    appointmentReply: text("appointment_reply", { mode: "json" }).$type<AppointmentReply>(),
    /**
     * On the family question ("Which appointment? Reply 1 for Maria…"): the reminder ids each digit stands
     * for, in order, so a later digit confirms exactly what the patient was shown.
     */
    appointmentOptions: text("appointment_options", { mode: "json" }).$type<number[][]>(),
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

/**
 * The live feed's log: one row per change a screen must see (message stored, status moved, read state,
 * opt-out). Its id is the cursor clients resume from after a reconnect; rows older than the queue window
 * are pruned with the messages.
 */
// The protocol's own list (shared/live-protocol.ts): a new event type is one edit.
export { LIVE_EVENT_TYPES };
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

export type Conversation = typeof conversations.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type OptOutEvent = typeof optOutEvents.$inferSelect;

export const OPT_OUT_REVIEW_DECISIONS = ["opt_out", "not_opt_out"] as const;
export type OptOutReviewDecision = (typeof OPT_OUT_REVIEW_DECISIONS)[number];

/**
 * An inbound text that may be an opt-out ("I need to cancel", domain/keywords.ts): staff decide. While a row
 * of a phone has no decision, campaigns to it are held; reminders and staff replies still go. The decision,
 * who made it and when are the audit trail and show in the opt-out history.
 */
export const optOutReviews = sqliteTable(
  "opt_out_reviews",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: integer("org_id")
      .notNull()
      .references(() => organizations.id),
    numberId: integer("number_id")
      .notNull()
      .references(() => clinicNumbers.id),
    phone: text("phone").notNull(),
    /** Not a foreign key: the message may be pruned with the queue window, the review is kept. */
    messageId: integer("message_id").notNull(),
    /** The opt-out word that appeared ("cancel"), never the text itself. */
    keyword: text("keyword").notNull(),
    createdAt: createdAt(),
    decision: text("decision", { enum: OPT_OUT_REVIEW_DECISIONS }),
    decidedBy: integer("decided_by").references(() => users.id),
    decidedAt: integer("decided_at"),
  },
  (t) => [
    uniqueIndex("opt_out_reviews_message_unique").on(t.messageId),
    index("opt_out_reviews_pending_idx")
      .on(t.numberId, t.phone)
      .where(sql`decision is null`),
  ],
);
export type OptOutReview = typeof optOutReviews.$inferSelect;

/**
 * An `@Name` in an internal note: the colleague sees the conversation under Mine (and got a toast). Kept per
 * conversation and user, with the note that made it; pruned with the conversation's messages.
 */
export const mentions = sqliteTable(
  "mentions",
  {
    conversationId: integer("conversation_id")
      .notNull()
      .references(() => conversations.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    /** The note; not a foreign key, so pruning the note does not have to go first. */
    messageId: integer("message_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId, t.messageId] }),
    index("mentions_user_idx").on(t.userId, t.conversationId),
  ],
);
