/**
 * The queue's server state: unread counts per clinic number and the list on screen. One store for the app,
 * filled from REST and kept current by live events applied in place (keyed by id), so two screens on the same
 * number converge within a second without reloading.
 */
import { batch } from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import { api, call, messageOf } from "./api";
import type { Conversation, LiveEvent } from "./queue-types";
import { previewOf } from "../../worker/shared/preview";
import { matchesSearch, parseSearch } from "../../worker/shared/search";

export const PAGE_SIZE = 50;

type ListState = {
  numberId: number | null;
  q: string;
  unreadOnly: boolean;
  conversations: Conversation[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
};

type QueueState = {
  /** Unread conversations in the window, by clinic number id. */
  unread: Record<number, number>;
  list: ListState;
};

const [queue, setQueue] = createStore<QueueState>({
  unread: {},
  list: {
    numberId: null,
    q: "",
    unreadOnly: false,
    conversations: [],
    nextCursor: null,
    loading: false,
    error: null,
  },
});
export { queue };

export function totalUnread(): number {
  return Object.values(queue.unread).reduce((sum, n) => sum + n, 0);
}

let summaryInFlight: Promise<void> | null = null;
let summaryAgain = false;
/** Coalesces: several numbers resyncing at once cost one request, plus one more if asked meanwhile. */
export function loadSummary(): Promise<void> {
  if (summaryInFlight) {
    summaryAgain = true;
    return summaryInFlight;
  }
  summaryInFlight = (async () => {
    try {
      do {
        summaryAgain = false;
        const summary = await call(api.api.queue.summary.$get());
        const counts: Record<number, number> = {};
        for (const n of summary.numbers) counts[n.numberId] = n.unread;
        setQueue("unread", reconcile(counts));
      } while (summaryAgain);
    } catch {
      // Counts are a hint; the next event or reconnect refreshes them.
    } finally {
      summaryInFlight = null;
    }
  })();
  return summaryInFlight;
}

let summaryTimer: ReturnType<typeof setTimeout> | undefined;
/** Counts change with every message and read: ask once for a burst of events. */
export function refreshSummarySoon() {
  clearTimeout(summaryTimer);
  summaryTimer = setTimeout(() => void loadSummary(), 150);
}

let ticket = 0;
/** Events that arrive while a page is loading are replayed onto it, so a stale answer cannot undo them. */
let replay: LiveEvent[] | null = null;

export function showList(numberId: number, q: string, unreadOnly: boolean) {
  setQueue("list", { numberId, q, unreadOnly });
  return loadList();
}

export async function loadList(more = false): Promise<void> {
  const list = queue.list;
  if (list.numberId === null) return;
  if (more && (!list.nextCursor || list.loading)) return;
  const mine = ++ticket;
  const numberId = list.numberId;
  replay = [];
  setQueue("list", { loading: true, error: null });
  try {
    // In the body: a name or phone in a URL would land in the Worker's request logs.
    const json = {
      q: list.q,
      unread: list.unreadOnly,
      limit: PAGE_SIZE,
      ...(more && list.nextCursor ? { cursor: list.nextCursor } : {}),
    };
    const page = await call(
      api.api.queue.numbers[":numberId"].conversations.search.$post({
        param: { numberId: String(numberId) },
        json,
      }),
    );
    if (mine !== ticket) return;
    const missed = replay;
    replay = null;
    batch(() => {
      const rows = more ? [...queue.list.conversations, ...page.conversations] : page.conversations;
      setQueue("list", "conversations", reconcile(rows, { key: "id" }));
      setQueue("list", { nextCursor: page.nextCursor, loading: false });
      for (const event of missed) applyToList(event);
    });
  } catch (error) {
    if (mine === ticket) {
      replay = null;
      setQueue("list", { loading: false, error: messageOf(error) });
    }
  }
}

const byActivity = (a: Conversation, b: Conversation) => b.lastMessageAt - a.lastMessageAt || b.id - a.id;

/** A conversation this screen has not got yet (new, or beyond the loaded pages): fetch its row. */
async function insertRow(conversationId: number, numberId: number) {
  try {
    const { conversation } = await call(
      api.api.conversations[":id"].$get({ param: { id: String(conversationId) } }),
    );
    const list = queue.list;
    if (list.numberId !== numberId || list.conversations.some((c) => c.id === conversation.id)) return;
    // The server's own search rule (worker/shared/search.ts), so a live row is one a reload would list.
    if (!matchesSearch(conversation, parseSearch(list.q)) || (list.unreadOnly && !conversation.unread))
      return;
    setQueue("list", "conversations", (rows) => [...rows, conversation].sort(byActivity));
  } catch {
    // Gone or not visible any more: nothing to show.
  }
}

export function setRowUnread(conversationId: number, unread: boolean) {
  setQueue("list", "conversations", (c) => c.id === conversationId, "unread", unread);
}

/** Applies one live event to the list; safe to apply twice. */
export function applyToList(event: LiveEvent) {
  const list = queue.list;
  if (event.numberId !== list.numberId) return;
  if (replay) replay.push(event);
  switch (event.type) {
    case "message": {
      const message = event.message;
      const row = list.conversations.find((c) => c.id === event.conversationId);
      if (!row) {
        void insertRow(event.conversationId, event.numberId);
        return;
      }
      // Internal rows (notes, event lines) never move the conversation, as on the server.
      if (message.direction === "internal" || message.createdAt < row.lastMessageAt) return;
      setQueue(
        "list",
        "conversations",
        produce((rows) => {
          const target = rows.find((c) => c.id === event.conversationId);
          if (!target) return;
          target.lastMessageAt = message.createdAt;
          target.lastMessagePreview = previewOf(message.body);
          if (message.direction === "in") target.unread = true;
          rows.sort(byActivity);
        }),
      );
      return;
    }
    case "read_state":
      setRowUnread(event.conversationId, event.unread);
      return;
    case "opt_out":
      setQueue("list", "conversations", (c) => c.phone === event.phone, {
        optedOutAt: event.optedOut ? event.changedAt : null,
      });
      return;
    case "message_status":
      return;
  }
}

export async function markUnread(conversationId: number) {
  setRowUnread(conversationId, true);
  try {
    await call(api.api.conversations[":id"].unread.$post({ param: { id: String(conversationId) } }));
  } finally {
    refreshSummarySoon();
  }
}

export async function markRead(conversationId: number) {
  setRowUnread(conversationId, false);
  try {
    await call(api.api.conversations[":id"].read.$post({ param: { id: String(conversationId) } }));
  } finally {
    refreshSummarySoon();
  }
}
