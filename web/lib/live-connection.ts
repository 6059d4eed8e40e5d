/**
 * Keeps every clinic number the user may see live: one socket per number (each number is its own Durable
 * Object), all feeding the same stores, so counts, toasts and the toolbar work while another number is shown.
 */
import { api, ApiError, call } from "./api";
import { connectLive, type LiveSocket, type LiveState } from "./live-socket";
import { reportLiveness } from "./live-state";
import { announceInbound, announceMention, type Prefs } from "./notifications";
import { connectPresence, receivePresence } from "./presence";
import {
  loadList,
  loadSummary,
  markRead,
  queue,
  applyToList,
  refreshSummarySoon,
  takeFirstCursor,
} from "./queue-store";
import type { ClinicNumber, LiveEvent } from "./queue-types";
import { applyToThread, openThread, thread } from "./thread-store";
import { announceTeamChange } from "./team-notices";
import { session } from "./session";

export type LiveHooks = {
  prefs: () => Prefs;
  /** Who is signed in, for the toast of a note that mentions them. */
  userId?: () => number | null;
  open: (numberId: number, conversationId: number) => void;
};

function socketUrl(numberId: number) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/live/numbers/${numberId}/socket`;
}

/** Someone is looking at this conversation right now: a new text in it is read as it arrives. */
function isWatching(conversationId: number) {
  return thread.id === conversationId && document.visibilityState === "visible";
}

export function applyEvent(event: LiveEvent, hooks: LiveHooks) {
  applyToList(event);
  applyToThread(event);
  announceTeamChange(event, session.me?.user?.id ?? null);
  if (event.type === "message" || event.type === "read_state") refreshSummarySoon();
  if (event.type === "message" && event.mentions) announceMention(event, hooks.userId?.() ?? null);
  if (event.type === "message" && event.message.direction === "in") {
    if (isWatching(event.conversationId)) {
      void markRead(event.conversationId).catch(() => undefined);
      return;
    }
    announceInbound(
      { id: event.message.id, numberId: event.numberId, conversationId: event.conversationId },
      hooks.prefs(),
      hooks.open,
    );
  }
}

/** After a (re)connect with nothing to replay from: reload what this number shows. */
async function resync(numberId: number) {
  const work: Promise<void>[] = [loadSummary()];
  if (queue.list.numberId === numberId) work.push(loadList());
  if (thread.id !== null && thread.conversation?.numberId === numberId) {
    work.push(openThread(thread.id, { markRead: false }));
  }
  await Promise.all(work);
}

export function startLive(numbers: readonly ClinicNumber[], hooks: LiveHooks): () => void {
  const states: LiveState[] = numbers.map(() => "connecting");
  reportLiveness(states);
  // Every number's state came with the first screen's bootstrap (if this load had one), at this cursor.
  const cursor = takeFirstCursor();
  const sockets: LiveSocket[] = numbers.map((n, index) =>
    connectLive<LiveEvent>({
      url: socketUrl(n.id),
      cursor,
      catchUp: (after) =>
        call(api.api.live.events.$get({ query: { after: String(after), numberId: String(n.id) } })),
      resync: () => resync(n.id),
      // 410 cursor_expired: the cursor is older than the queue window, its events pruned; reload instead.
      isExpired: (error) => error instanceof ApiError && error.status === 410,
      apply: (event) => applyEvent(event, hooks),
      onPresence: (frame) => receivePresence(n.id, frame),
      onState: (state) => {
        states[index] = state;
        reportLiveness(states);
      },
    }),
  );
  // This screen's own presence (viewing, typing) goes out on the number's socket.
  const presence = numbers.map((n, index) =>
    connectPresence(n.id, (frame) => sockets[index]?.send(frame) ?? false),
  );
  const online = () => sockets.forEach((s) => s.reconnectNow());
  // Back to the tab with the open conversation unread (a text came while it was hidden): it is read now.
  const visible = () => {
    if (document.visibilityState === "visible" && thread.id !== null && thread.conversation?.unread) {
      void markRead(thread.id).catch(() => undefined);
    }
  };
  window.addEventListener("online", online);
  document.addEventListener("visibilitychange", visible);
  return () => {
    window.removeEventListener("online", online);
    document.removeEventListener("visibilitychange", visible);
    sockets.forEach((s) => s.close());
    presence.forEach((stop) => stop());
  };
}
