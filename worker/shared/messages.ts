/**
 * @module What a text is, as both ends see it: its kinds and statuses (the D1 schema's enums are these lists)
 * and the longest body the app accepts.
 */

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

/**
 * The longest text, in UTF-16 code units (what `String.length`, zod's `max` and a textarea's `maxLength`
 * count). Twilio refuses bodies over 1,600 characters (error 21617); Telnyx's limit is higher, so the
 * stricter one holds for every carrier.
 */
export const MESSAGE_MAX_LENGTH = 1600;

/** The limit as people read it ("1,600"), for messages that name it. */
export const MESSAGE_MAX_LENGTH_TEXT = MESSAGE_MAX_LENGTH.toLocaleString("en-US");
