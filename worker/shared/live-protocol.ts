/**
 * @module The live socket protocol, one copy for both ends: the Durable Object sends these frames
 * (realtime/clinic-number-hub.ts) and the web client reads them with `parseServerFrame` (web/lib/live-socket.ts).
 *
 * Every event carries `cursor`, the id of its row in D1's `live_events` table: monotonic per deployment. A
 * client remembers the highest cursor it applied and, after any reconnect, asks REST for the events after it,
 * so a deploy, an eviction or a closed laptop lid loses nothing. Events are idempotent: applying one twice is
 * harmless, so the overlap between catch-up and live delivery needs no coordination.
 */
import type { MessageDirection, MessageKind, MessageStatus } from "./messages";
import type { ConversationState } from "./team";
import type { SmsEncoding } from "./segments";
import type { MessageMedia } from "./media";
import type { AppointmentIntent, AppointmentReply, MessageAppointment } from "./reminders";

export type LiveMessage = {
  id: number;
  conversationId: number;
  direction: MessageDirection;
  kind: MessageKind;
  body: string;
  status: MessageStatus;
  errorCode: string | null;
  errorReason: string | null;
  segments: number;
  encoding: SmsEncoding;
  authorUserId: number | null;
  authorName: string | null;
  createdAt: number;
  updatedAt: number;
  /** A scheduled (send-later or API-queued) text's due time while it waits; null once sent or never queued. */
  sendAfter: number | null;
  /** A send-later text that is withdrawn if the patient texts first. */
  cancelOnReply: boolean;
  /**
   * Photos and files (MMS), in arrival order. Optional because older live_events rows lack it: absent is none.
   * When an inbound file lands in R2 (or fails), the worker sends the `message` event again with the new
   * states, so a screen applies it by message id like any edit.
   */
  media?: MessageMedia[];
  /** On a reminder sent through the practice-system API with `appointment`: what it is about. */
  appointment?: MessageAppointment | null;
  /**
   * On a patient's reply to a reminder that expected confirmation: how it was read (the chip). Re-sent as a
   * `message` event when staff correct it.
   */
  appointmentReply?: AppointmentReply | null;
};

/**
 * Why a `conversation` event was sent: an assignment, a staff state change (done, snoozed, reopened), a
 * patient's text reopening it, or a snooze ending on its own.
 */
export type ConversationChange = "assigned" | "state" | "reopened" | "snooze_ended";

export type LiveEvent =
  /**
   * A message was stored (inbound, outbound queued, an internal note or event line) or a scheduled one was
   * edited: apply by message id. `mentions` are the users an internal note @-mentioned (they get a toast).
   */
  | {
      type: "message";
      cursor: number;
      numberId: number;
      conversationId: number;
      message: LiveMessage;
      mentions?: number[];
      /**
       * Set when this re-sends a patient's reply because how it answers one reminder changed (read, or
       * corrected by staff; intent null: no longer about it). One event per reminder; screens need not read
       * it (they apply `message.appointmentReply`); the practice webhook sends it as `appointment.response`
       * instead of a second `message.received`.
       */
      /**
       * The same message sent again because its files landed in R2 (or failed): screens apply it by id, and
       * the practice webhook does not send it as a second `message.received`.
       */
      mediaUpdate?: true;
      appointmentResponse?: {
        reminderMessageId: number;
        appointmentId: string;
        externalId: string | null;
        intent: AppointmentIntent | null;
        correctedBy: string | null;
      };
    }
  /**
   * A conversation's team state changed: assignment, open/done/snoozed. `changedBy` is the user who did it
   * (null for the system: a patient's text reopening it, a snooze ending), so the assignee is told only when
   * someone else assigned it to them.
   */
  | {
      type: "conversation";
      cursor: number;
      numberId: number;
      conversationId: number;
      state: ConversationState;
      snoozedUntil: number | null;
      assignedUserId: number | null;
      assignedName: string | null;
      changedBy: number | null;
      /** What changed, so a screen can tell "assigned to you" from "a snooze ended" (optional: older rows). */
      change?: ConversationChange;
    }
  /** An outbound message's delivery status moved forward. */
  | {
      type: "message_status";
      cursor: number;
      numberId: number;
      conversationId: number;
      messageId: number;
      status: MessageStatus;
      errorCode: string | null;
      errorReason: string | null;
    }
  /** Shared read state changed (opened by someone, or marked unread). */
  | { type: "read_state"; cursor: number; numberId: number; conversationId: number; unread: boolean }
  /** A phone opted out of (or back in to) this clinic number. */
  | {
      type: "opt_out";
      cursor: number;
      numberId: number;
      phone: string;
      optedOut: boolean;
      changedAt: number;
    };

export type LiveEventType = LiveEvent["type"];

/** Every event type, so a reader can refuse one it does not know. */
export const LIVE_EVENT_TYPES = [
  "message",
  "message_status",
  "read_state",
  "opt_out",
  "conversation",
] as const satisfies readonly LiveEventType[];

/**
 * Text the client sends to keep the socket alive. The runtime answers PONG itself without waking the object
 * (setWebSocketAutoResponse matches the exact text), which is why these two are bare strings, not JSON.
 */
export const PING = "ping";
export const PONG = "pong";

/**
 * Who is on this number right now, with what open: ephemeral (the Durable Object's socket attachments, never
 * D1), so not in the catch-up log. One entry per socket; a user with two tabs appears twice. `typing` is true
 * when their last typing frame is under TYPING_TTL_MS old at the time the snapshot was sent; the client drops
 * it after that long without a fresh frame.
 */
export type PresenceEntry = {
  userId: number;
  name: string;
  conversationId: number | null;
  typing: boolean;
};

/** The JSON frame the server sends for an event. */
export type ServerFrame = { v: 1; type: "event"; event: LiveEvent };

/** The whole number's presence, sent to every socket whenever it changes. */
export type PresenceFrame = { v: 1; type: "presence"; viewers: PresenceEntry[] };

/** What a screen tells the object: which conversation it has open (null: none), and a keystroke in one. */
export type ClientFrame =
  { v: 1; type: "viewing"; conversationId: number | null } | { v: 1; type: "typing"; conversationId: number };

/** A frame as the client reads it: an event, presence, or the runtime's answer to a ping. */
export type ReceivedFrame = ServerFrame | PresenceFrame | { type: "pong" };

/** Close codes in the application range (4000–4999), so clients can tell why a socket ended. */
export const CLOSE = {
  /** The server is going away (deploy, eviction): reconnect. */
  goingAway: 1001,
  /**
   * The server wants the sign-in checked again (socket too old, access changed): reconnect, which goes
   * through the session check, and catch up from the cursor.
   */
  reauthenticate: 4001,
  /** The client sent something the protocol does not have. */
  badFrame: 4400,
} as const;

/**
 * Reads one message from the socket. Anything that is not PONG, a version-1 event frame of a known type with a
 * numeric cursor and clinic number, or a version-1 presence frame whose entries have the fields above, is
 * null, never thrown: a newer server's frame is skipped, and catch-up after the next reconnect fetches what was
 * skipped by cursor (presence needs none: the next snapshot replaces it whole).
 */
export function parseServerFrame(data: unknown): ReceivedFrame | null {
  if (typeof data !== "string") return null;
  if (data === PONG) return { type: "pong" };
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(frame) || frame.v !== 1) return null;
  if (frame.type === "presence") {
    const viewers = frame.viewers;
    if (!Array.isArray(viewers) || !viewers.every(isPresenceEntry)) return null;
    return { v: 1, type: "presence", viewers };
  }
  if (frame.type !== "event") return null;
  const event = frame.event;
  if (!isObject(event) || typeof event.cursor !== "number" || typeof event.numberId !== "number") return null;
  if (!LIVE_EVENT_TYPES.some((type) => type === event.type)) return null;
  // The fields beyond these are the server's contract, typed above; the server builds them with `satisfies`.
  return { v: 1, type: "event", event: event as LiveEvent };
}

/**
 * Longest client frame the object reads: the two real ones are under 60 characters, so anything much longer is
 * not ours and is refused before JSON.parse spends time on it.
 */
export const CLIENT_FRAME_MAX_LENGTH = 200;

/**
 * Reads one frame a screen sent (the object's side). Only the exact shapes of ClientFrame pass: a conversation
 * id is a positive integer (null only for `viewing`), and nothing else is kept, so a frame can never smuggle
 * extra fields into what the object stores and sends on. Null means "close with CLOSE.badFrame".
 */
export function parseClientFrame(data: unknown): ClientFrame | null {
  if (typeof data !== "string" || data.length > CLIENT_FRAME_MAX_LENGTH) return null;
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(frame) || frame.v !== 1) return null;
  const id = frame.conversationId;
  if (frame.type === "viewing" && (id === null || isId(id)))
    return { v: 1, type: "viewing", conversationId: id };
  if (frame.type === "typing" && isId(id)) return { v: 1, type: "typing", conversationId: id };
  return null;
}

function isId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

function isPresenceEntry(value: unknown): value is PresenceEntry {
  return (
    isObject(value) &&
    typeof value.userId === "number" &&
    typeof value.name === "string" &&
    (value.conversationId === null || typeof value.conversationId === "number") &&
    typeof value.typing === "boolean"
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
