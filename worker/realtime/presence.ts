/**
 * @module Presence: who is on a clinic number right now, with which conversation open, and who is typing.
 *
 * Ephemeral by design: it lives only in each socket's attachment (serializeAttachment, which survives
 * hibernation), never in D1 or the object's storage, and never in the live_events catch-up log. A socket that
 * closes takes its presence with it, so there is nothing to clean up and nothing to leak into an export.
 *
 * The object (clinic-number-hub.ts) applies a screen's frames here and, when the result changed, sends every
 * socket of the number the new snapshot. Typing is a time: the snapshot says `typing` when the last honoured
 * typing frame is under TYPING_TTL_MS old at send time, and each screen drops it on its own timer after that,
 * so the object needs no alarm or setTimeout to expire it.
 */
import { TYPING_THROTTLE_MS, TYPING_TTL_MS } from "../shared/team";
import { CLOSE, type ClientFrame, type PresenceEntry, type PresenceFrame } from "../shared/live-protocol";
import { closeQuietly, MAX_SOCKET_AGE_MS, type Attachment, type HubSocket } from "./fan-out";

/**
 * A socket's attachment with its presence. The name is capped so an attachment stays far below the runtime's
 * 16 KiB limit (https://developers.cloudflare.com/durable-objects/api/websockets/#serializeattachment).
 */
export type PresenceAttachment = Attachment & {
  name: string;
  /** The conversation this screen has open, or null (the queue, settings, another number's thread). */
  conversationId: number | null;
  /** When the object last honoured a typing frame from this socket, in that conversation; null: not typing. */
  lastTypingAt: number | null;
};

export const NAME_MAX_LENGTH = 100;

/** What presence needs of a socket: the fan-out's stand-in plus the attachment writer. */
export type PresenceSocket = HubSocket & Pick<WebSocket, "serializeAttachment">;

const OPEN = 1;

/** A new socket's attachment: on the number, nothing open yet. */
export function newPresence(userId: number, name: string, now: number): PresenceAttachment {
  const trimmed = name.trim().slice(0, NAME_MAX_LENGTH);
  return {
    userId,
    connectedAt: now,
    name: trimmed || "A colleague",
    conversationId: null,
    lastTypingAt: null,
  };
}

/**
 * The attachment as presence reads it. A socket accepted before presence existed (hibernated across the
 * deploy) has only userId and connectedAt: it counts as on the number, nothing open, under a neutral name.
 */
export function readPresence(ws: Pick<WebSocket, "deserializeAttachment">): PresenceAttachment | null {
  const value = ws.deserializeAttachment() as Partial<PresenceAttachment> | null;
  if (!value || typeof value.userId !== "number" || typeof value.connectedAt !== "number") return null;
  return {
    userId: value.userId,
    connectedAt: value.connectedAt,
    name: typeof value.name === "string" ? value.name : "A colleague",
    conversationId: typeof value.conversationId === "number" ? value.conversationId : null,
    lastTypingAt: typeof value.lastTypingAt === "number" ? value.lastTypingAt : null,
  };
}

const isTyping = (p: PresenceAttachment, now: number) =>
  p.lastTypingAt !== null && now - p.lastTypingAt < TYPING_TTL_MS;

/**
 * Applies one frame from a screen. `changed` says whether the others must hear of it:
 * - `viewing` a different conversation (or none) changes it, and ends any typing;
 * - `typing` is honoured at most once per TYPING_THROTTLE_MS per socket (extras are dropped silently: a
 *   fast typist's screen, or a misbehaving one, cannot make the object fan out more than that). An honoured
 *   frame is a change: it turns typing on, or renews it so the others' TYPING_TTL_MS timers restart.
 *   Typing in a conversation means having it open, so it also moves `conversationId` there.
 */
export function applyClientFrame(
  current: PresenceAttachment,
  frame: ClientFrame,
  now: number,
): { next: PresenceAttachment; changed: boolean } {
  if (frame.type === "viewing") {
    if (frame.conversationId === current.conversationId) return { next: current, changed: false };
    return { next: { ...current, conversationId: frame.conversationId, lastTypingAt: null }, changed: true };
  }
  const sameConversation = frame.conversationId === current.conversationId;
  if (sameConversation && current.lastTypingAt !== null && now - current.lastTypingAt < TYPING_THROTTLE_MS) {
    return { next: current, changed: false };
  }
  return { next: { ...current, conversationId: frame.conversationId, lastTypingAt: now }, changed: true };
}

/**
 * The number's presence at `now`, one entry per socket in the order given. Pure, so the benchmark can time
 * building the fan-out's frame on its own.
 */
export function presenceSnapshot(attachments: Iterable<PresenceAttachment>, now: number): PresenceFrame {
  const viewers: PresenceEntry[] = [];
  for (const p of attachments) {
    viewers.push({
      userId: p.userId,
      name: p.name,
      conversationId: p.conversationId,
      typing: p.conversationId !== null && isTyping(p, now),
    });
  }
  return { v: 1, type: "presence", viewers };
}

/**
 * Sends the number's presence to every open socket of it. `leaving` is a socket that is closing (its close or
 * error handler is running): it is left out of the snapshot even if the runtime still lists it. Sockets past
 * MAX_SOCKET_AGE_MS are closed for a sign-in check, as the event fan-out does, and left out too: a user who
 * lost access must neither see nor be seen. Returns how many sockets the frame reached.
 */
export function broadcastPresence(
  sockets: Iterable<HubSocket>,
  now: number,
  leaving: HubSocket | null = null,
): number {
  const tooOld = now - MAX_SOCKET_AGE_MS;
  const live: { ws: HubSocket; presence: PresenceAttachment }[] = [];
  for (const ws of sockets) {
    if (ws === leaving || ws.readyState !== OPEN) continue;
    const presence = readPresence(ws);
    if (!presence || presence.connectedAt < tooOld) {
      closeQuietly(ws, CLOSE.reauthenticate, "Sign-in check due");
      continue;
    }
    live.push({ ws, presence });
  }
  const frame = JSON.stringify(
    presenceSnapshot(
      live.map((l) => l.presence),
      now,
    ),
  );
  let sent = 0;
  for (const { ws } of live) {
    try {
      ws.send(frame);
      sent++;
    } catch {
      // The socket died between the check and the send; its close handler sends the others a fresh snapshot.
    }
  }
  return sent;
}

/**
 * Handles one frame from a screen on `ws`: applies it, stores the result in the socket's attachment and, if it
 * changed anything, tells every socket of the number. Returns false for a frame to refuse (the caller closes
 * with CLOSE.badFrame).
 */
export function receivePresence(
  ws: PresenceSocket,
  frame: ClientFrame,
  sockets: () => Iterable<HubSocket>,
  now: number,
): boolean {
  const current = readPresence(ws);
  if (!current) return false;
  const { next, changed } = applyClientFrame(current, frame, now);
  if (!changed) return true;
  ws.serializeAttachment(next);
  broadcastPresence(sockets(), now);
  return true;
}
