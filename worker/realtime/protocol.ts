/**
 * @module The live socket protocol, shared by the Durable Object and the web client (type-only imports
 * on the web side, so keep this file free of Worker globals).
 *
 * Every event carries `cursor`, the id of its row in D1's `events` table: monotonic per deployment. A client
 * remembers the highest cursor it applied and, after any reconnect, asks REST for the events after it, so a
 * deploy, an eviction or a closed laptop lid loses nothing. Events are idempotent: applying one twice is
 * harmless, so the overlap between catch-up and live delivery needs no coordination.
 */
import type { MessageKind, MessageStatus } from "../db/schema";

export type LiveMessage = {
  id: number;
  conversationId: number;
  direction: "in" | "out";
  kind: MessageKind;
  body: string;
  status: MessageStatus;
  errorCode: string | null;
  errorReason: string | null;
  segments: number;
  encoding: "GSM-7" | "UCS-2";
  authorUserId: number | null;
  authorName: string | null;
  createdAt: number;
  updatedAt: number;
};

export type LiveEvent =
  /** A message was stored (inbound, or outbound queued). */
  | { type: "message"; cursor: number; numberId: number; conversationId: number; message: LiveMessage }
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

/** Frames the server sends on a socket. */
export type ServerFrame = { v: 1; type: "event"; event: LiveEvent };

/** Text the client sends to keep the socket alive; the runtime answers "pong" without waking the object. */
export const PING = "ping";
export const PONG = "pong";

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
