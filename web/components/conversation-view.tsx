import { createEffect, createSignal, For, lazy, on, Show } from "solid-js";
import { api, ApiError, call, messageOf } from "../lib/api";
import { conversationName, longDate, optOutNote } from "../lib/queue-format";
import type { LiveMessage } from "../lib/queue-types";
import { loadOlder, pendingOptOutReview, setOptedOut, thread, upsertMessage } from "../lib/thread-store";
import { createThreadPresence } from "../lib/presence-thread";
import { CollisionPrompt } from "./collision-prompt";
import { Composer } from "./composer";
import { ThreadActions } from "./thread-actions";
import type { SendLaterChoice } from "./send-later";
import { OptOutReviewNote } from "./conversation-view-review";
import { MessageBubble } from "./message-bubble";
import { postNote } from "./note-switch";
import { fillContextOf } from "./quick-reply-picker";
import { session } from "../lib/session";
import { OptedOutBanner } from "./opted-out-banner";
import { PresenceHere } from "./presence-here";
import { PresenceTyping } from "./presence-typing";
import { Alert } from "./ui/Alert";

const ExportHistory = lazy(() => import("./export-history"));

/** Closer than this to the bottom counts as "reading the latest": new texts keep the log scrolled down. */
const STICKY_PX = 80;

type Props = { timeZone: string; numberLabel: string; onBack: () => void; onMarkUnread: () => void };

/** The open conversation: who, the chat log (older texts on scroll-up), and the composer or opt-out banner. */
export function ConversationView(props: Props) {
  let log: HTMLDivElement | undefined;
  let nearBottom = true;
  let fromBottom: number | null = null;

  const name = () => (thread.conversation ? conversationName(thread.conversation) : "");
  const presence = createThreadPresence();

  function older() {
    if (!log || !thread.hasMore || thread.loadingOlder) return;
    // Keep the text under the reader's eye where it is while older ones are added above it.
    fromBottom = log.scrollHeight - log.scrollTop;
    void loadOlder();
  }

  function onScroll() {
    if (!log) return;
    nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < STICKY_PX;
    if (log.scrollTop < STICKY_PX) older();
  }

  createEffect(
    on(
      () => [thread.id, thread.messages.length, thread.messages.at(-1)?.id] as const,
      ([id], previous) => {
        if (!log) return;
        if (fromBottom !== null) {
          log.scrollTop = log.scrollHeight - fromBottom;
          fromBottom = null;
        } else if (nearBottom || id !== previous?.[0]) {
          log.scrollTop = log.scrollHeight;
          nearBottom = true;
        }
      },
    ),
  );

  const [retryError, setRetryError] = createSignal<string | null>(null);
  /** The opt-out change a text caused, shown on that text. */
  const noteFor = (messageId: number) => {
    const change = thread.optOutHistory.findLast((c) => c.messageId === messageId);
    return change ? optOutNote(change) : undefined;
  };
  /** The staff question (or its answer) under a text that may be an opt-out. */
  const reviewFor = (messageId: number) => thread.optOutReviews.find((r) => r.messageId === messageId);
  /**
   * Undecided reviews whose text is not on screen (older than the loaded page, or pruned with the queue
   * window): listed after the thread, so a hold is never left without its buttons.
   */
  const unseenReviews = () => {
    const shown = new Set(thread.messages.map((m) => m.id));
    return thread.optOutReviews.filter((r) => r.decision === null && !shown.has(r.messageId));
  };
  /** Changes no text caused (the carrier's own block), listed after the thread. */
  const carrierNotes = () => thread.optOutHistory.filter((c) => c.messageId === null);

  /** A 409 opted_out is a banner, never a sign-out: fetch the date it happened, for the banner. */
  async function refused(error: unknown) {
    if (!(error instanceof ApiError) || error.code !== "opted_out" || thread.id === null) return;
    try {
      const { conversation } = await call(
        api.api.conversations[":id"].$get({ param: { id: String(thread.id) } }),
      );
      setOptedOut(conversation.optedOutAt ?? Date.now());
    } catch {
      setOptedOut(Date.now());
    }
  }

  async function send(body: string, idempotencyKey: string, later?: SendLaterChoice, uploadIds?: string[]) {
    const id = thread.id;
    if (id === null) return;
    // Photos (MMS): the ids of the files the composer just uploaded.
    const json = { body, idempotencyKey, ...later, ...(uploadIds?.length ? { uploadIds } : {}) };
    try {
      const { message } = await call(
        api.api.conversations[":id"].messages.$post({ param: { id: String(id) }, json }),
      );
      upsertMessage(message);
      nearBottom = true;
    } catch (error) {
      await refused(error);
      throw error;
    }
  }

  async function note(body: string, idempotencyKey: string) {
    const id = thread.id;
    if (id === null) return;
    upsertMessage(await postNote(id, body, idempotencyKey));
    nearBottom = true;
  }

  async function retry(message: LiveMessage) {
    setRetryError(null);
    try {
      const answer = await call(
        api.api.conversations[":id"].messages[":messageId"].retry.$post({
          param: { id: String(message.conversationId), messageId: String(message.id) },
        }),
      );
      upsertMessage(answer.message);
    } catch (error) {
      // Opted out shows as the banner; anything else must say why the Retry did nothing.
      if (error instanceof ApiError && error.code === "opted_out") await refused(error);
      else setRetryError(`The text was not sent again: ${messageOf(error)}`);
    }
  }

  return (
    <section class="thread" aria-labelledby="thread-title">
      <header class="thread-head">
        {/* Shown only where the list and the thread take turns on the screen (queue.css, narrow.css). */}
        <button type="button" class="button small back" onClick={() => props.onBack()}>
          <span aria-hidden="true">← </span>
          Back
        </button>
        <div class="thread-who">
          <h2 id="thread-title">{name()}</h2>
          <p class="hint">
            {thread.conversation?.phoneDisplay} · to {props.numberLabel}
          </p>
          <Show when={thread.conversation}>
            {(c) => <PresenceHere numberId={c().numberId} conversationId={c().id} />}
          </Show>
        </div>
        <div class="actions">
          <button type="button" class="button small" onClick={() => props.onMarkUnread()}>
            Mark Unread
          </button>
          <Show when={thread.conversation} keyed>
            {(c) => <ExportHistory numberId={c.numberId} phone={c.phone} />}
          </Show>
        </div>
      </header>
      <Show when={thread.conversation} keyed>
        {(c) => <ThreadActions conversation={c} timeZone={props.timeZone} />}
      </Show>
      <Alert message={thread.error} />
      <Alert message={retryError()} />
      <div ref={log} class="thread-log" onScroll={onScroll}>
        <Show when={thread.hasMore}>
          <button
            type="button"
            class="button small load-older"
            disabled={thread.loadingOlder}
            onClick={older}
          >
            {thread.loadingOlder ? "Loading…" : "Load older messages"}
          </button>
        </Show>
        <Show when={!thread.loading || thread.messages.length > 0} fallback={<p class="loading">Loading…</p>}>
          <ol class="bubbles" role="log" aria-label={`Messages with ${name()}`}>
            <For each={thread.messages}>
              {(message) => (
                <>
                  <MessageBubble
                    message={message}
                    patientName={name()}
                    timeZone={props.timeZone}
                    onRetry={(m) => void retry(m)}
                    note={noteFor(message.id)}
                  />
                  <Show when={reviewFor(message.id)}>
                    {(review) => <OptOutReviewNote review={review()} timeZone={props.timeZone} />}
                  </Show>
                </>
              )}
            </For>
            <For each={carrierNotes()}>
              {(change) => (
                <li class="system-note">
                  {optOutNote(change)} · {longDate(change.at, props.timeZone)}
                </li>
              )}
            </For>
            <For each={unseenReviews()}>
              {(review) => <OptOutReviewNote review={review} timeZone={props.timeZone} earlier />}
            </For>
          </ol>
        </Show>
      </div>
      <Show when={thread.conversation}>
        {(c) => <PresenceTyping numberId={c().numberId} conversationId={c().id} />}
      </Show>
      <CollisionPrompt guard={presence.collision} />
      <Show
        when={thread.conversation?.optedOutAt}
        fallback={
          <Show when={thread.conversation}>
            <Composer
              label={`Reply to ${name()}`}
              onSend={send}
              onNote={note}
              fillContext={() => fillContextOf(thread.conversation, props.numberLabel)}
              conversationId={thread.id ?? undefined}
              authorId={session.me?.user?.id ?? null}
              onActivity={presence.onActivity}
              beforeSend={() => presence.collision.check()}
              sendLater
              warning={
                pendingOptOutReview()
                  ? "A text in this conversation may be an opt-out request. Replies and reminders still go; campaigns are held until someone decides."
                  : undefined
              }
            />
          </Show>
        }
      >
        {(at) => <OptedOutBanner optedOutAt={at()} timeZone={props.timeZone} />}
      </Show>
    </section>
  );
}
