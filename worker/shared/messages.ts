/**
 * @module What a text is, as both ends see it: its kinds and statuses (the D1 schema's enums are these lists)
 * and the longest body the app accepts.
 */

/**
 * `in` from the patient, `out` to the patient, `internal` never leaves the clinic: staff notes and the small
 * event lines in a thread ("Sam marked this done"). Every carrier path and practice webhook reads `in`/`out`
 * only, so an internal row cannot be sent by construction.
 */
export const MESSAGE_DIRECTIONS = ["in", "out", "internal"] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const MESSAGE_KINDS = [
  "reply",
  "direct",
  "reminder",
  "campaign",
  "auto_reply",
  "alert",
  /** An internal note by a staff member (direction `internal`). */
  "note",
  /** A state change shown as a line in the thread: assigned, done, snoozed, reopened (direction `internal`). */
  "event",
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The kinds that are internal: never sent, never a reply, never in a practice webhook. */
export const INTERNAL_KINDS = ["note", "event"] as const satisfies readonly MessageKind[];

export const MESSAGE_STATUSES = [
  "received",
  "queued",
  "sending",
  "sent",
  "delivered",
  "undelivered",
  "failed",
  /** A scheduled (send-later) text withdrawn before it went: by its author, or by the patient texting first. */
  "cancelled",
  /** An internal row (note, event line): stored, never sent. */
  "recorded",
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * The longest text, in UTF-16 code units (what `String.length`, zod's `max` and a textarea's `maxLength`
 * count). Twilio refuses bodies over 1,600 characters (error 21617); Telnyx's limit is higher, so the
 * stricter one holds for every carrier.
 */
export const MESSAGE_MAX_LENGTH = 1600;

/** The limit as people read it ("1,600"), for messages that name it. */
export const MESSAGE_MAX_LENGTH_TEXT = MESSAGE_MAX_LENGTH.toLocaleString("en-US");

/** The longest internal note. Notes are never sent, so the SMS limit does not apply. */
export const NOTE_MAX_LENGTH = 4000;
