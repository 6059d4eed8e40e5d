/**
 * Who else is on each clinic number right now: which conversation they have open, and whether they are typing
 * in it. The number's Durable Object sends the whole picture (a presence snapshot) whenever it changes; this
 * store keeps the latest per number and answers "who else is viewing / typing in conversation X".
 *
 * Typing is a moment, not a state: a snapshot's `typing` was true when the object sent it, and is dropped here
 * TYPING_TTL_MS later unless a fresher snapshot says it again (the object sends one on every honoured
 * keystroke frame). The object has no timer for this, so this one is the clock.
 *
 * The other direction, this screen's own presence, goes out through the number's live socket
 * (live-connection.ts registers one sender per number): `setViewing` when a thread opens or closes, `typed` on
 * composer keystrokes, at most one frame per TYPING_THROTTLE_MS.
 */
import { createStore, reconcile } from "solid-js/store";
import type { ClientFrame, PresenceFrame } from "../../worker/shared/live-protocol";
import { TYPING_THROTTLE_MS, TYPING_TTL_MS } from "../../worker/shared/team";

export type Viewer = {
  userId: number;
  name: string;
  conversationId: number | null;
  /** Until when this entry shows as typing (this screen's clock); null: not typing. */
  typingUntil: number | null;
};

export type Colleague = { userId: number; name: string };

const [presence, setPresence] = createStore<Record<number, Viewer[]>>({});
export { presence };

const expiryTimers = new Map<number, ReturnType<typeof setTimeout>>();

/** Replaces a number's presence with the snapshot the object sent. */
export function receivePresence(numberId: number, frame: PresenceFrame, now = Date.now()) {
  const viewers = frame.viewers.map((v) => ({
    userId: v.userId,
    name: v.name,
    conversationId: v.conversationId,
    typingUntil: v.typing ? now + TYPING_TTL_MS : null,
  }));
  setPresence(numberId, reconcile(viewers));
  scheduleExpiry(numberId);
}

/** Forgets a number's presence (its socket closed: what it showed is no longer known). */
export function clearPresence(numberId: number) {
  clearTimeout(expiryTimers.get(numberId));
  expiryTimers.delete(numberId);
  setPresence(numberId, []);
}

/** One timer per number, at its earliest typing expiry; it clears what is due and sets itself again. */
function scheduleExpiry(numberId: number) {
  clearTimeout(expiryTimers.get(numberId));
  expiryTimers.delete(numberId);
  const times = (presence[numberId] ?? []).flatMap((v) => (v.typingUntil === null ? [] : [v.typingUntil]));
  if (times.length === 0) return;
  const delay = Math.max(0, Math.min(...times) - Date.now());
  expiryTimers.set(
    numberId,
    setTimeout(() => {
      const now = Date.now();
      setPresence(numberId, (v) => v.typingUntil !== null && v.typingUntil <= now, "typingUntil", null);
      scheduleExpiry(numberId);
    }, delay),
  );
}

/** One entry per colleague (a user with two tabs once), by name, never the signed-in user. */
function colleagues(viewers: readonly Viewer[], me: number | null): Colleague[] {
  const seen = new Map<number, Colleague>();
  for (const v of viewers) {
    if (v.userId !== me && !seen.has(v.userId)) seen.set(v.userId, { userId: v.userId, name: v.name });
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Colleagues with this conversation open, excluding `me` (any of my own tabs). */
export function othersViewing(numberId: number, conversationId: number, me: number | null): Colleague[] {
  const viewers = presence[numberId] ?? [];
  return colleagues(
    viewers.filter((v) => v.conversationId === conversationId),
    me,
  );
}

/** Colleagues typing in this conversation right now, excluding `me`. */
export function othersTyping(numberId: number, conversationId: number, me: number | null): Colleague[] {
  const viewers = presence[numberId] ?? [];
  return colleagues(
    viewers.filter((v) => v.conversationId === conversationId && v.typingUntil !== null),
    me,
  );
}

// ---- This screen's own presence ----

type Sender = (frame: ClientFrame) => boolean;
const senders = new Map<number, Sender>();
let viewing: { numberId: number; conversationId: number } | null = null;
let lastTyping: { numberId: number; conversationId: number; at: number } | null = null;

/**
 * Registers the live socket of a number as the way to tell its object about this screen. Returns the
 * unregister function (the socket is closing), which also forgets the number's presence.
 */
export function connectPresence(numberId: number, send: Sender): () => void {
  senders.set(numberId, send);
  // A thread opened before the sockets started: the socket remembers it and sends it once open.
  if (viewing?.numberId === numberId) send({ v: 1, type: "viewing", conversationId: viewing.conversationId });
  return () => {
    if (senders.get(numberId) === send) senders.delete(numberId);
    clearPresence(numberId);
  };
}

/** The conversation this screen has open now (null: none). The number it left is told too. */
export function setViewing(next: { numberId: number; conversationId: number } | null) {
  const previous = viewing;
  if (previous?.numberId === next?.numberId && previous?.conversationId === next?.conversationId) return;
  viewing = next;
  lastTyping = null;
  if (previous && previous.numberId !== next?.numberId) {
    senders.get(previous.numberId)?.({ v: 1, type: "viewing", conversationId: null });
  }
  if (next) senders.get(next.numberId)?.({ v: 1, type: "viewing", conversationId: next.conversationId });
}

/** A keystroke in a conversation's composer: tells the object at most once per TYPING_THROTTLE_MS. */
export function typed(numberId: number, conversationId: number, now = Date.now()) {
  const last = lastTyping;
  if (
    last?.numberId === numberId &&
    last.conversationId === conversationId &&
    now - last.at < TYPING_THROTTLE_MS
  ) {
    return;
  }
  const send = senders.get(numberId);
  // Offline: nothing is remembered, so the next keystroke tries again.
  if (send?.({ v: 1, type: "typing", conversationId })) lastTyping = { numberId, conversationId, at: now };
}

/** Initials for a queue row's badge: "Sam Staff" → "SS", "Cher" → "C". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  // Array.from: by code point, so a name starting with an emoji or an astral letter is not cut in half.
  const head = (word: string | undefined) => (word === undefined ? "" : (Array.from(word)[0] ?? ""));
  const first = head(words[0]) || "?";
  const last = words.length > 1 ? head(words.at(-1)) : "";
  return (first + last).toUpperCase();
}

/** "Sam Staff", "Sam Staff and Avery Admin", "Sam Staff, Avery Admin and Casey Clerk". */
export function listNames(people: readonly Colleague[]): string {
  const names = people.map((p) => p.name);
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1) ?? ""}`;
}

/** For tests: forget every number and this screen's own presence. */
export function resetPresence() {
  for (const id of [...expiryTimers.keys()]) clearPresence(id);
  setPresence(reconcile({}));
  senders.clear();
  viewing = null;
  lastTyping = null;
}
