/**
 * The open conversation: its row (names, opt-out) and its messages, oldest first for display. Live events
 * update messages in place by id; delivery status only moves forward, as on the server, so a late "sent"
 * replayed after "delivered" changes nothing.
 */
import { batch } from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import { api, call, messageOf } from "./api";
import { markRead } from "./queue-store";
// The server's own rule (a pure module), so screen and database agree on which status may replace which.
import { statusRank } from "../../worker/shared/status";
import type { Conversation, LiveEvent, LiveMessage, OptOutChange, OptOutReview } from "./queue-types";

const PAGE_SIZE = 50;

type ThreadState = {
  id: number | null;
  conversation: Conversation | null;
  messages: LiveMessage[];
  /** Every opt-out and opt-in of this phone on this number, oldest first. */
  optOutHistory: OptOutChange[];
  /** Texts that may be opt-outs, oldest first; an undecided one holds campaigns until staff decide. */
  optOutReviews: OptOutReview[];
  hasMore: boolean;
  loading: boolean;
  loadingOlder: boolean;
  error: string | null;
};

/**
 * A fresh empty state each time: `reconcile` updates the messages array in place, so a shared empty array
 * would carry one conversation's messages into the next one opened.
 */
const empty = (): ThreadState => ({
  id: null,
  conversation: null,
  messages: [],
  optOutHistory: [],
  optOutReviews: [],
  hasMore: false,
  loading: false,
  loadingOlder: false,
  error: null,
});

const [thread, setThread] = createStore<ThreadState>(empty());
export { thread };

let ticket = 0;
let replay: LiveEvent[] | null = null;

/** Opens a conversation and marks it read for everyone, as opening it at the front desk means. */
export async function openThread(id: number, options: { markRead?: boolean } = {}): Promise<void> {
  const mine = ++ticket;
  replay = [];
  if (thread.id !== id) setThread({ ...empty(), id, loading: true });
  else setThread({ loading: true, error: null });
  try {
    const param = { id: String(id) };
    const [{ conversation, optOutHistory, optOutReviews }, page] = await Promise.all([
      call(api.api.conversations[":id"].$get({ param })),
      call(api.api.conversations[":id"].messages.$get({ param, query: { limit: String(PAGE_SIZE) } })),
    ]);
    if (mine !== ticket) return;
    const missed = replay;
    replay = null;
    batch(() => {
      setThread("conversation", reconcile(conversation));
      setThread("optOutHistory", optOutHistory);
      setThread("optOutReviews", optOutReviews);
      setThread("messages", reconcile([...page.messages].reverse(), { key: "id" }));
      setThread({ hasMore: page.hasMore, loading: false });
      for (const event of missed) applyToThread(event);
    });
    if (options.markRead !== false && conversation.unread) await markRead(id);
  } catch (error) {
    if (mine === ticket) {
      replay = null;
      setThread({ loading: false, error: messageOf(error) });
    }
  }
}

export function closeThread() {
  ticket++;
  replay = null;
  setThread(empty());
}

/** Older messages for scroll-up, by keyset on the oldest id shown. */
export async function loadOlder(): Promise<void> {
  const oldest = thread.messages[0];
  const id = thread.id;
  if (!oldest || id === null || !thread.hasMore || thread.loadingOlder) return;
  setThread("loadingOlder", true);
  try {
    const page = await call(
      api.api.conversations[":id"].messages.$get({
        param: { id: String(id) },
        query: { before: String(oldest.id), limit: String(PAGE_SIZE) },
      }),
    );
    if (thread.id !== id) return;
    const known = new Set(thread.messages.map((m) => m.id));
    const older = [...page.messages].reverse().filter((m) => !known.has(m.id));
    setThread({ messages: [...older, ...thread.messages], hasMore: page.hasMore, loadingOlder: false });
  } catch (error) {
    setThread({ loadingOlder: false, error: messageOf(error) });
  }
}

/** Adds or updates a message (a send's answer, a live event); status never moves backwards. */
export function upsertMessage(message: LiveMessage) {
  if (message.conversationId !== thread.id) return;
  setThread(
    "messages",
    produce((messages) => {
      const existing = messages.find((m) => m.id === message.id);
      if (!existing) {
        messages.push({ ...message });
        messages.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
        return;
      }
      if (statusRank(message.status) >= statusRank(existing.status)) Object.assign(existing, message);
    }),
  );
}

/** This screen's own change to the open conversation (assign, done, snooze): the answer's row. */
export function setThreadConversation(conversation: Conversation) {
  if (thread.id === conversation.id) setThread("conversation", reconcile(conversation));
}

export function setOptedOut(optedOutAt: number | null) {
  if (thread.conversation) setThread("conversation", "optedOutAt", optedOutAt);
}

export function applyToThread(event: LiveEvent) {
  const open = thread.conversation;
  if (thread.id === null) return;
  if (replay) replay.push(event);
  switch (event.type) {
    case "message": {
      if (event.conversationId !== thread.id) return;
      // A text sent again (its photos landed, or failed) is an update, not a new inbound text.
      const known = thread.messages.some((m) => m.id === event.message.id);
      upsertMessage(event.message);
      if (known) return;
      // The server marks the conversation unread on every inbound text (until someone reads it).
      if (open && event.message.direction === "in") {
        setThread("conversation", "unread", true);
        // Whether the text may be an opt-out is the server's reading: ask for it.
        void refreshOptOutHistory(open.id);
      }
      return;
    }
    case "message_status":
      if (event.conversationId !== thread.id) return;
      setThread(
        "messages",
        (m) => m.id === event.messageId && statusRank(event.status) >= statusRank(m.status),
        {
          status: event.status,
          errorCode: event.errorCode,
          errorReason: event.errorReason,
        },
      );
      return;
    case "read_state":
      if (open && event.conversationId === thread.id) setThread("conversation", "unread", event.unread);
      return;
    case "conversation":
      // Assignment and open/done/snoozed, from any screen (or the system: a patient's text, a snooze ending).
      if (open && event.conversationId === thread.id) {
        setThread("conversation", {
          state: event.state,
          snoozedUntil: event.snoozedUntil,
          assignedUserId: event.assignedUserId,
          assignedName: event.assignedName,
        });
      }
      return;
    case "opt_out":
      if (open && open.numberId === event.numberId && open.phone === event.phone) {
        setOptedOut(event.optedOut ? event.changedAt : null);
        void refreshOptOutHistory(open.id);
      }
      return;
  }
}

/** Whether any text of the open conversation may be an opt-out that no one has decided yet. */
export function pendingOptOutReview(): boolean {
  return thread.optOutReviews.some((r) => r.decision === null);
}

/**
 * Staff decide a possible opt-out. The answer updates the text at once; the conversation is read again for
 * the opt-out state and history ("Opt out this phone" also arrives as a live opt-out event).
 */
export async function decideOptOutReview(messageId: number, decision: "opt_out" | "not_opt_out") {
  const id = thread.id;
  if (id === null) return;
  const { review } = await call(
    api.api.conversations[":id"]["opt-out-review"].$post({
      param: { id: String(id) },
      json: { messageId, decision },
    }),
  );
  if (thread.id !== id) return;
  setThread("optOutReviews", (r) => r.messageId === messageId, {
    decision: review.decision,
    decidedBy: review.decidedBy,
    decidedAt: review.decidedAt,
  });
  if (decision === "opt_out") setOptedOut(review.decidedAt);
  await refreshOptOutHistory(id);
}

/** The event says the state changed; the history (keyword, causing text) comes from the server. */
async function refreshOptOutHistory(id: number) {
  try {
    const { conversation, optOutHistory, optOutReviews } = await call(
      api.api.conversations[":id"].$get({ param: { id: String(id) } }),
    );
    if (thread.id !== id) return;
    batch(() => {
      setThread("optOutHistory", optOutHistory);
      setThread("optOutReviews", optOutReviews);
      setOptedOut(conversation.optedOutAt);
    });
  } catch {
    // The banner already shows the new state; the history catches up when the conversation is reopened.
  }
}
