/**
 * The queue's server state: unread counts per clinic number and the list on screen. One store for the app,
 * filled from REST and kept current by live events applied in place (keyed by id), so two screens on the same
 * number converge within a second without reloading.
 */
import { batch } from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import { api, ApiError, call, messageOf } from "./api";
import type { Conversation, LiveEvent } from "./queue-types";
import { previewOf } from "../../worker/shared/preview";
import { PHOTO_PREVIEW } from "../../worker/shared/media";
import { matchesSearch, parseSearch } from "../../worker/shared/search";
import type { QueueView } from "../../worker/shared/team";
import { loadSession, session } from "./session";
import {
  attentionAfterMessage,
  attentionAfterState,
  rowNeedsAttention,
  type AttentionChange,
  type QueueRow,
} from "./queue-views";

export const PAGE_SIZE = 50;

type ListState = {
  numberId: number | null;
  q: string;
  unreadOnly: boolean;
  /** Open, Mine, Unassigned, Snoozed or Done (shared/team.ts); the server filters, live events keep it so. */
  view: QueueView;
  /** Only conversations whose reminder reply needs attention (queue-views.ts has the rule). */
  needsAttention: boolean;
  conversations: QueueRow[];
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
    view: "open",
    needsAttention: false,
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
        setUnread(await call(api.api.queue.summary.$get()));
      } while (summaryAgain);
    } catch {
      // Counts are a hint; the next event or reconnect refreshes them.
    } finally {
      summaryInFlight = null;
    }
  })();
  return summaryInFlight;
}

function setUnread(summary: { numbers: { numberId: number; unread: number }[] }) {
  const counts: Record<number, number> = {};
  for (const n of summary.numbers) counts[n.numberId] = n.unread;
  setQueue("unread", reconcile(counts));
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

export function showList(
  numberId: number,
  q: string,
  unreadOnly: boolean,
  view: QueueView = "open",
  needsAttention = false,
) {
  const wanted = { numberId, q, unreadOnly, view, needsAttention };
  if (takeSeeded(wanted)) return Promise.resolve();
  setQueue("list", wanted);
  return loadList();
}

/** Remembered per browser: the front desk PC of the Westside office opens on Westside. */
export const NUMBER_KEY = "textdesk.queue.number";

/** The bootstrap's live cursor, until the sockets start from it (live-connection.ts); taken once. */
let firstCursor: number | null = null;
export function takeFirstCursor(): number | null {
  const cursor = firstCursor;
  firstCursor = null;
  return cursor;
}

/** Whether the list holds the bootstrap's page, not yet shown: the queue page's first ask is answered. */
let seeded = false;
function takeSeeded(wanted: Partial<ListState>): boolean {
  const was = seeded;
  seeded = false;
  const keys = Object.keys(wanted) as (keyof ListState)[];
  return was && keys.every((key) => queue.list[key] === wanted[key]);
}

declare global {
  interface Window {
    /** The bootstrap request public/first-screen.js started from the HTML, or "taken" once the app ran. */
    textdeskFirstScreen?: { numberId: string | null; response: Promise<Response> } | "taken";
  }
}

/**
 * The HTML's early bootstrap request, if it asked for the same number; never used twice. One that is not
 * used (another number, or `discard`) has its body cancelled.
 */
function takeEarlyBootstrap(numberId: string | null, discard = false): Promise<Response> | undefined {
  const early = window.textdeskFirstScreen;
  window.textdeskFirstScreen = "taken";
  if (early === undefined || early === "taken") return undefined;
  if (!discard && early.numberId === numberId) return early.response;
  early.response.then((r) => r.body?.cancel()).catch(() => undefined);
  return undefined;
}

/**
 * The first screen of the queue in one request (GET /api/bootstrap): who is signed in, the unread counts,
 * the first page of the number the URL or this browser chose, and the live cursor, so neither the page nor
 * the sockets' first sync fetch any of it again. A number this user cannot see (another user's choice on a
 * shared PC, a removed number) answers 404: then the first visible number's.
 */
export function loadFirstScreen(wanted: string | undefined): Promise<void> {
  const numberId = [wanted, localStorage.getItem(NUMBER_KEY)].find((id) => id && /^[1-9]\d*$/.test(id));
  const request = (query: { numberId?: string }) => api.api.bootstrap.$get({ query });
  const ask = (query: { numberId?: string }) => call(request(query));
  let asking = false;
  const loaded = loadSession(async () => {
    asking = true;
    const early = takeEarlyBootstrap(numberId ?? null);
    const asked = early ? call(early as ReturnType<typeof request>) : ask(numberId ? { numberId } : {});
    const boot = await asked.catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404 && numberId) return ask({});
      throw error;
    });
    const { user, org, numbers, unread, queue: first, cursor } = boot;
    batch(() => {
      setUnread(unread);
      if (first) {
        const { numberId: id, conversations, nextCursor } = first;
        setQueue("list", {
          numberId: id,
          q: "",
          unreadOnly: false,
          view: "open",
          needsAttention: false,
          nextCursor,
          error: null,
        });
        setQueue("list", "conversations", reconcile(conversations, { key: "id" }));
        seeded = true;
      }
    });
    firstCursor = cursor;
    return { user, org, numbers };
  });
  // Another ask was already out (the shell's), so this one is not made: the HTML's early answer is not
  // needed either, and its body is let go (an unread body keeps the connection busy).
  if (!asking) void takeEarlyBootstrap(null, true);
  return loaded;
}

type TeamFields = Pick<Conversation, "state" | "assignedUserId">;
/**
 * Whether a row belongs in a view, by the server's rule (db/queries/queue.ts viewCondition). Mine also holds
 * conversations that @-mention me, which a row does not say: those come with a reload, and a live change
 * only takes a row out of Mine when it is done or assigned to someone else.
 */
export function inView(row: TeamFields, view: QueueView, me: number | null): boolean {
  switch (view) {
    case "open":
      return row.state === "open";
    case "unassigned":
      return row.state === "open" && row.assignedUserId === null;
    case "snoozed":
      return row.state === "snoozed";
    case "done":
      return row.state === "done";
    case "mine":
      return row.state !== "done" && row.assignedUserId === me;
  }
}

const me = () => session.me?.user?.id ?? null;

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
      view: list.view,
      // Only when asked, so the unfiltered request is the one every server version accepts.
      ...(list.needsAttention ? { needsAttention: true } : {}),
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
    if (!inView(conversation, list.view, me())) return;
    if (list.needsAttention && !rowNeedsAttention(conversation)) return;
    setQueue("list", "conversations", (rows) => [...rows, conversation].sort(byActivity));
  } catch {
    // Gone or not visible any more: nothing to show.
  }
}

/** Sets a row's Needs attention flag, or reads it from the server when only the server can tell. */
function applyAttention(conversationId: number, change: AttentionChange) {
  if (change === null) return;
  if (change === "ask") {
    void refreshAttention(conversationId);
    return;
  }
  setQueue(
    "list",
    "conversations",
    produce((rows) => {
      const target = rows.find((c) => c.id === conversationId);
      if (target) target.needsAttention = change;
    }),
  );
}

async function refreshAttention(conversationId: number) {
  try {
    const { conversation } = await call(
      api.api.conversations[":id"].$get({ param: { id: String(conversationId) } }),
    );
    const row: QueueRow = conversation;
    // A server that does not send the flag leaves the row as it is.
    if (row.needsAttention !== undefined) applyAttention(conversationId, row.needsAttention);
  } catch {
    // Gone or not visible: the next reload settles it.
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
      // Notes and event lines are not activity: the row keeps its time, preview and read state.
      if (message.direction === "internal") return;
      const row = list.conversations.find((c) => c.id === event.conversationId);
      if (!row) {
        void insertRow(event.conversationId, event.numberId);
        return;
      }
      applyAttention(row.id, attentionAfterMessage(row, message));
      if (message.createdAt < row.lastMessageAt) return;
      // The same text again (its photos landed in R2, its reminder reading changed): not new activity, so a
      // read row stays read.
      const again = message.createdAt === row.lastMessageAt;
      setQueue(
        "list",
        "conversations",
        produce((rows) => {
          const target = rows.find((c) => c.id === event.conversationId);
          if (!target) return;
          target.lastMessageAt = message.createdAt;
          target.lastMessagePreview =
            message.body === "" && message.media?.length ? PHOTO_PREVIEW : previewOf(message.body);
          if (message.direction === "in" && !again) target.unread = true;
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
    case "conversation": {
      const fields = {
        state: event.state,
        snoozedUntil: event.snoozedUntil,
        assignedUserId: event.assignedUserId,
        assignedName: event.assignedName,
      };
      const row = list.conversations.find((c) => c.id === event.conversationId);
      if (!row) {
        if (inView(fields, list.view, me())) void insertRow(event.conversationId, event.numberId);
        return;
      }
      if (!inView(fields, list.view, me())) {
        // Done, snoozed, reopened or reassigned out of this view: it leaves the list.
        setQueue("list", "conversations", (rows) => rows.filter((c) => c.id !== event.conversationId));
        return;
      }
      setQueue("list", "conversations", (c) => c.id === event.conversationId, fields);
      applyAttention(row.id, attentionAfterState(row, event.state));
      return;
    }
  }
}

/** A row's new team state from this screen's own change (the live event follows; applying both is harmless). */
export function applyRow(conversation: Conversation) {
  applyToList({
    type: "conversation",
    cursor: 0,
    numberId: conversation.numberId,
    conversationId: conversation.id,
    state: conversation.state,
    snoozedUntil: conversation.snoozedUntil,
    assignedUserId: conversation.assignedUserId,
    assignedName: conversation.assignedName,
    changedBy: me(),
  });
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
