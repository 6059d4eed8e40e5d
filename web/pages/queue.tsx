import { useSearchParams } from "@solidjs/router";
import { createEffect, createSignal, lazy, on, onCleanup, Show } from "solid-js";
import { ConversationList } from "../components/conversation-list";
import { NumberPicker } from "../components/number-picker";
import { AttentionFilter, EmptyView, QueueViews } from "../components/queue-views";
import type { QueueView } from "../../worker/shared/team";
import { Alert } from "../components/ui/Alert";
import { CheckboxField } from "../components/ui/CheckboxField";
import { TextField } from "../components/ui/TextField";
import { markUnread, queue, showList, loadList, NUMBER_KEY } from "../lib/queue-store";
import type { Conversation } from "../lib/queue-types";
import { session } from "../lib/session";
import { closeThread, openThread, thread } from "../lib/thread-store";

// What only an opened conversation or a click shows loads then, not with the list: the thread and composer
// (with the SMS segment counter) are most of the page's code, and the first screen is the list.
const RolodexStart = lazy(() => import("../components/rolodex-start"));
const ConversationView = lazy(() =>
  import("../components/conversation-view").then((m) => ({ default: m.ConversationView })),
);
const NotificationSettings = lazy(() =>
  import("../components/notification-settings").then((m) => ({ default: m.NotificationSettings })),
);
const SEARCH_DELAY_MS = 250;

/** The text queue: pick a clinic number, find a conversation, read and reply, start one from the Rolodex. */
export default function QueuePage() {
  const [params, setParams] = useSearchParams<{ number?: string; conversation?: string }>();
  const numbers = () => session.me?.numbers ?? [];
  const timeZone = () => session.me?.org?.timezone ?? "UTC";

  const numberId = () => {
    const ids = numbers().map((n) => n.id);
    const wanted = [Number(params.number), Number(localStorage.getItem(NUMBER_KEY))];
    return wanted.find((id) => ids.includes(id)) ?? ids[0] ?? null;
  };
  const number = () => numbers().find((n) => n.id === numberId());
  const conversationId = () => (params.conversation ? Number(params.conversation) : null);

  const [text, setText] = createSignal("");
  const [query, setQuery] = createSignal("");
  const [unreadOnly, setUnreadOnly] = createSignal(false);
  const [view, setView] = createSignal<QueueView>("open");
  const [attentionOnly, setAttentionOnly] = createSignal(false);
  const [rolodex, setRolodex] = createSignal(false);
  const [settingsOpen, setSettingsOpen] = createSignal(false);

  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  // The unread counts need no load here: the first screen's bootstrap or the sockets' first sync brought
  // them, and live events keep them current on every page.
  createEffect(
    on([numberId, query, unreadOnly, view, attentionOnly], ([id, q, unread, v, attention]) => {
      if (id !== null) void showList(id, q, unread, v, attention);
    }),
  );
  createEffect(
    on(conversationId, (id) => {
      if (id === null || Number.isNaN(id)) closeThread();
      else void openThread(id);
    }),
  );
  onCleanup(closeThread);

  function pickNumber(id: number) {
    localStorage.setItem(NUMBER_KEY, String(id));
    setRolodex(false);
    setParams({ number: String(id), conversation: undefined });
  }

  function open(conversation: Conversation) {
    setRolodex(false);
    setParams({ number: String(conversation.numberId), conversation: String(conversation.id) });
  }

  function unread(conversation: Conversation) {
    void markUnread(conversation.id);
    // Leaving it open would read it again; "later" means back to the list.
    if (conversation.id === conversationId()) setParams({ conversation: undefined });
  }

  /** Back to the list (where the list and thread take turns): focus lands on the row it was opened from. */
  let backTo: number | null = null;
  function back() {
    backTo = conversationId();
    setParams({ conversation: undefined });
  }
  createEffect(
    on(conversationId, (id) => {
      const row = backTo;
      backTo = null;
      if (id !== null || row === null) return;
      // The list had no height behind the thread, so its virtual rows come back a frame or two after it is
      // shown again: look for the row for a few frames.
      let frames = 10;
      const focusRow = () => {
        const button = document.querySelector<HTMLElement>(`.conv-open[data-conversation="${String(row)}"]`);
        if (button) button.focus();
        else if (--frames > 0) requestAnimationFrame(focusRow);
      };
      requestAnimationFrame(focusRow);
    }),
  );

  const showingDetail = () => rolodex() || conversationId() !== null;

  return (
    <section class="queue" classList={{ "show-detail": showingDetail() }} aria-labelledby="queue-title">
      <div class="queue-side">
        <div class="queue-head">
          <h1 id="queue-title" class="visually-hidden">
            Text Messages
          </h1>
          <NumberPicker numbers={numbers()} value={numberId()} unread={queue.unread} onChange={pickNumber} />
          <div class="actions">
            <button
              type="button"
              class="button small"
              aria-pressed={rolodex()}
              onClick={() => {
                setRolodex(true);
                setParams({ conversation: undefined });
              }}
            >
              Rolodex
            </button>
            <button
              type="button"
              class="button small"
              aria-expanded={settingsOpen()}
              onClick={() => setSettingsOpen(!settingsOpen())}
            >
              My notifications
            </button>
          </div>
        </div>
        <Show when={settingsOpen()}>
          <NotificationSettings />
        </Show>
        <QueueViews value={view()} onChange={setView} />
        <div role="search" class="queue-filters">
          <TextField
            label="Search conversations"
            type="search"
            autocomplete="off"
            placeholder="Name or phone"
            value={text()}
            onValue={(value) => {
              setText(value);
              clearTimeout(timer);
              timer = setTimeout(() => setQuery(value.trim()), SEARCH_DELAY_MS);
            }}
          />
          <CheckboxField label="Only show unread" checked={unreadOnly()} onValue={setUnreadOnly} />
          <AttentionFilter checked={attentionOnly()} onValue={setAttentionOnly} />
        </div>
        <Alert message={queue.list.error} />
        <Show when={numbers().length === 0}>
          <p class="empty">No clinic numbers are shared with you yet. Ask an admin.</p>
        </Show>
        <Show when={!queue.list.loading && queue.list.conversations.length === 0 && numbers().length > 0}>
          <Show when={!query()} fallback={<p class="empty">{`No conversations match “${query()}”.`}</p>}>
            <EmptyView
              view={view()}
              unreadOnly={unreadOnly()}
              needsAttention={attentionOnly()}
              windowDays={session.me?.org?.queueWindowDays ?? 10}
              simulator={number()?.carrier === "simulator"}
            />
          </Show>
        </Show>
        <ConversationList
          conversations={queue.list.conversations}
          selectedId={conversationId()}
          timeZone={timeZone()}
          hasMore={queue.list.nextCursor !== null}
          loading={queue.list.loading}
          onOpen={open}
          onLoadMore={() => void loadList(true)}
          onMarkUnread={unread}
        />
      </div>
      <div class="queue-main">
        <Show when={rolodex() && number()} keyed>
          {(n) => (
            <RolodexStart
              number={n}
              onClose={() => setRolodex(false)}
              onStarted={(id) => {
                setRolodex(false);
                setParams({ number: String(n.id), conversation: String(id) });
              }}
            />
          )}
        </Show>
        <Show when={!rolodex() && conversationId() !== null}>
          <ConversationView
            timeZone={timeZone()}
            numberLabel={numbers().find((n) => n.id === thread.conversation?.numberId)?.label ?? ""}
            onBack={back}
            onMarkUnread={() => {
              if (thread.conversation) unread(thread.conversation);
            }}
          />
        </Show>
        <Show when={!showingDetail()}>
          <p class="empty queue-placeholder">Choose a conversation, or start one from the Rolodex.</p>
        </Show>
      </div>
    </section>
  );
}
