/**
 * What a new inbound text does on screen, following the user's privileges: a toast, a chime, the unread
 * count in the tab title and favicon, and a system notification while the tab is hidden. Bodies and phone
 * numbers never go into a system notification: the lock screen of a shared front-desk PC is not private.
 */
import { createSignal } from "solid-js";
import type { Me } from "./session";

export const TOAST_TITLE = "Text message received.";
export const TOAST_TEXT = "The system has received a text message.";
const TOAST_MS = 10_000;
const MAX_TOASTS = 3;

/** A toast opens its conversation on click; `title`/`text` replace the inbound wording (never PHI). */
export type Toast = { key: number; numberId: number; conversationId: number; title?: string; text?: string };

const [toasts, setToasts] = createSignal<Toast[]>([]);
export { toasts };

let nextKey = 1;
export function dismissToast(key: number) {
  setToasts((list) => list.filter((t) => t.key !== key));
}

function showToast(numberId: number, conversationId: number, words: { title?: string; text?: string } = {}) {
  const toast = { key: nextKey++, numberId, conversationId, ...words };
  setToasts((list) => [...list, toast].slice(-MAX_TOASTS));
  setTimeout(() => dismissToast(toast.key), TOAST_MS);
}

/** A team toast (assigned to you, a snooze ended): shown whatever the inbound-text alert setting says. */
export function showNotice(numberId: number, conversationId: number, title: string, text: string) {
  showToast(numberId, conversationId, { title, text });
}

export type Prefs = { alert: boolean; sound: boolean };

/** What the admin granted, minus what the user muted for themselves. */
export function effectivePrefs(user: Me["user"] | undefined): Prefs {
  if (!user) return { alert: false, sound: false };
  return { alert: user.smsReplyAlert && !user.muteAlerts, sound: user.smsReplySound && !user.muteSound };
}

let audio: AudioContext | null = null;
let armed = false;
/**
 * Browsers only let a page play sound after the user has interacted with it
 * (developer.chrome.com/blog/autoplay): create the AudioContext on the first click or key press.
 */
export function armChime() {
  if (armed || typeof window === "undefined" || !("AudioContext" in window)) return;
  armed = true;
  const unlock = () => {
    audio ??= new AudioContext();
    void audio.resume();
    window.removeEventListener("pointerdown", unlock);
    window.removeEventListener("keydown", unlock);
  };
  window.addEventListener("pointerdown", unlock);
  window.addEventListener("keydown", unlock);
}

/** Two short sine notes, generated: no file to fetch, nothing for the CSP to allow. */
export function chime() {
  if (!audio || audio.state !== "running") return;
  const start = audio.currentTime;
  [880, 1320].forEach((frequency, i) => {
    if (!audio) return;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = frequency;
    const t = start + i * 0.14;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.2, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 0.3);
  });
}

export function canAskPermission(): boolean {
  return typeof Notification !== "undefined" && Notification.permission === "default";
}

/** Only from a button: asking on load is refused by browsers and resented by users. */
export async function askPermission(): Promise<NotificationPermission | "unsupported"> {
  if (typeof Notification === "undefined") return "unsupported";
  return Notification.requestPermission();
}

function systemNotification(onClick: () => void) {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const note = new Notification(TOAST_TITLE, { body: TOAST_TEXT, tag: "textdesk-inbound" });
  note.onclick = () => {
    window.focus();
    onClick();
    note.close();
  };
}

const seen = new Set<number>();
/**
 * Announces one inbound text, once: a reconnect's catch-up may replay a message the socket already
 * delivered, and each number has its own socket.
 */
export function announceInbound(
  message: { id: number; numberId: number; conversationId: number },
  prefs: Prefs,
  open: (numberId: number, conversationId: number) => void,
) {
  if (seen.has(message.id)) return;
  seen.add(message.id);
  if (prefs.alert) showToast(message.numberId, message.conversationId);
  if (prefs.sound) chime();
  if (prefs.alert && document.visibilityState === "hidden") {
    systemNotification(() => open(message.numberId, message.conversationId));
  }
}

const TITLE = "Textdesk";
let baseIcon: string | null = null;

/** "(3) Textdesk" and a red dot on the favicon while anything is unread. */
export function showUnreadCount(count: number) {
  document.title = count > 0 ? `(${count}) ${TITLE}` : TITLE;
  const link = document.querySelector<HTMLLinkElement>("link[rel='icon']");
  if (!link) return;
  baseIcon ??= link.href;
  link.href = count > 0 ? BADGED_ICON : baseIcon;
}

// The favicon (public/favicon.svg) with a red badge; a data: URL, which the CSP's img-src allows.
const BADGED_ICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1f7a4d"/>' +
    '<path d="M8 10h16v10H14l-5 4v-4H8z" fill="#fff"/><circle cx="24.5" cy="7.5" r="7" fill="#d92d20" stroke="#fff" stroke-width="1.5"/></svg>',
)}`;

export const MENTION_TOAST_TEXT = "You were mentioned in a note.";
const mentionsSeen = new Set<number>();
/**
 * A colleague's note that @-mentions me: a toast (once per note, a catch-up may replay it), on every page.
 * Shown whatever the inbound-text switches say: it is addressed to me by name, like an assignment.
 */
export function announceMention(
  event: {
    message: { id: number; authorUserId: number | null };
    numberId: number;
    conversationId: number;
    mentions?: number[];
  },
  myUserId: number | null,
) {
  if (myUserId === null || !event.mentions?.includes(myUserId)) return;
  if (event.message.authorUserId === myUserId || mentionsSeen.has(event.message.id)) return;
  mentionsSeen.add(event.message.id);
  showToast(event.numberId, event.conversationId, { title: MENTION_TOAST_TEXT, text: "" });
}
