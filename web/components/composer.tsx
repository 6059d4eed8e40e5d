import { createEffect, createMemo, createSignal, createUniqueId, on, Show } from "solid-js";
import { messageOf } from "../lib/api";
import { MESSAGE_MAX_LENGTH, MESSAGE_MAX_LENGTH_TEXT, NOTE_MAX_LENGTH } from "../../worker/shared/messages";
import { measureDraft } from "../../worker/shared/segments";
import { placeholdersIn, type FillContext } from "../../worker/shared/placeholders";
import { Alert } from "./ui/Alert";
import { NoteMentions, NoteSwitch } from "./note-switch";
import { fillQuickReply, QuickReplyPicker, UnfilledPlaceholders } from "./quick-reply-picker";
import { SendLater, type SendLaterChoice } from "./send-later";
import { AttachedPhotos, AttachPhotoButton, createAttachments } from "./attach-photos";

type Props = {
  /** The textarea's accessible name, e.g. "Reply to Maria Alvarez". */
  label: string;
  /**
   * Sends one composed text; the key is the same for every try of the same text. `later`: send-later.
   * `uploadIds`: the attached photos, already uploaded (MMS); then `body` may be empty.
   */
  onSend: (
    body: string,
    idempotencyKey: string,
    later?: SendLaterChoice,
    uploadIds?: string[],
  ) => Promise<void>;
  /** Offer **Send later** (replies in a conversation). */
  sendLater?: boolean;
  /** Shown above the box while something needs care first (a possible opt-out nobody has decided). */
  warning?: string | undefined;
  /** Stores an internal note instead (the Internal note switch); without it the switch is not shown. */
  onNote?: (body: string, idempotencyKey: string) => Promise<void>;
  /** What quick-reply placeholders are filled with; without it the Quick replies button is not shown. */
  fillContext?: () => FillContext;
  /** For the note's "Mentions:" line, and where attached photos are uploaded (no **Attach photo** without it). */
  conversationId?: number;
  authorId?: number | null;
  /** Presence: the box got focus, or the draft changed (typing frames; what was seen when a draft began). */
  onActivity?: (kind: "focus" | "input", draft: string) => void;
  /** Asked before a send; false holds it (a colleague just replied, and Cancel was chosen). */
  beforeSend?: () => Promise<boolean>;
};

/**
 * Writing a text: Enter sends, Shift+Enter starts a new line, and a live counter shows characters, segments
 * and encoding, warning when one character (a curly apostrophe, an emoji) turns the whole text into UCS-2.
 * One idempotency key per composed text: a double click, or Send again after a network error, sends it once.
 */
export function Composer(props: Props) {
  const id = createUniqueId();
  const [draft, setDraft] = createSignal("");
  const [sending, setSending] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let key: string | null = null;
  const counter = createMemo(() => measureDraft(draft()));
  const [noting, setNoting] = createSignal(false);
  const [picking, setPicking] = createSignal(false);
  // A quick reply's placeholders that could not be filled stay in the text until someone edits them away.
  const unfilled = createMemo(() => (noting() ? [] : placeholdersIn(draft())));
  let box: HTMLTextAreaElement | undefined;
  // Photos: only in a conversation (uploads belong to one), and never on an internal note.
  const attaching = () => props.conversationId !== undefined && !noting();
  const photos = createAttachments(attaching);
  const [uploading, setUploading] = createSignal<string | null>(null);
  // Other photos are a different send: it must not reuse the key of the one that failed.
  createEffect(
    on(
      photos.files,
      () => {
        key = null;
        setError(null);
      },
      { defer: true },
    ),
  );
  const withPhotos = () => attaching() && photos.files().length > 0;
  const empty = () => draft().trim() === "" && !withPhotos();

  function edit(value: string) {
    setDraft(value);
    props.onActivity?.("input", value);
    // A different text is a different send: it must not reuse the key of the one that failed.
    key = null;
    setError(null);
  }

  /** Why this draft may not go yet, in words, or null. */
  function refusal(body: string): string | null {
    const left = unfilled();
    if (left.length > 0) {
      return `Fill in ${left.map((p) => `{${p}}`).join(", ")} before sending: the patient would see it as written.`;
    }
    if (!noting() && body.length > MESSAGE_MAX_LENGTH) {
      return `The text is ${body.length.toLocaleString("en-US")} characters; a text may have ${MESSAGE_MAX_LENGTH_TEXT}.`;
    }
    return null;
  }

  function chooseQuickReply(reply: { body: string }) {
    setPicking(false);
    const context = props.fillContext?.();
    if (!context) return;
    const { text } = fillQuickReply(reply, context);
    edit(draft().trim() === "" ? text : `${draft()}${/\s$/.test(draft()) ? "" : " "}${text}`);
    box?.focus();
  }

  async function send(later?: SendLaterChoice) {
    if (sending() || empty()) return;
    // A note reaches no patient, so a colleague's reply is no reason to ask.
    if (!noting() && props.beforeSend && !(await props.beforeSend())) return;
    // Read again: the draft may have been edited while Send asked.
    const body = draft();
    if (sending() || empty()) return;
    const refused = refusal(body);
    if (refused) {
      setError(refused);
      return;
    }
    key ??= crypto.randomUUID();
    setSending(true);
    setError(null);
    try {
      const conversationId = props.conversationId;
      if (noting() && props.onNote) await props.onNote(body, key);
      else if (withPhotos() && conversationId !== undefined) {
        const uploadIds = await photos.upload(conversationId, (done, total) =>
          setUploading(done < total ? `Uploading photo ${done + 1} of ${total}…` : "Sending…"),
        );
        await props.onSend(body, key, later, uploadIds);
        photos.clear();
      }
      // A plain send keeps its two-argument call.
      else await (later ? props.onSend(body, key, later) : props.onSend(body, key));
      key = null;
      setDraft("");
      props.onActivity?.("input", "");
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setSending(false);
      setUploading(null);
    }
  }

  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

  return (
    <form
      class="composer"
      classList={{ "drop-here": photos.dragging() }}
      aria-label="Compose a text"
      {...photos.target}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <Show when={props.warning}>
        {(warning) => (
          <p class="counter-warning" role="status" id={`${id}-warning`}>
            {warning()}
          </p>
        )}
      </Show>
      <label for={id} class="visually-hidden">
        {props.label}
      </label>
      <Show when={picking()}>
        <QuickReplyPicker onChoose={chooseQuickReply} onClose={() => setPicking(false)} />
      </Show>
      <textarea
        ref={box}
        id={id}
        rows="3"
        classList={{ "note-draft": noting() }}
        maxLength={noting() ? NOTE_MAX_LENGTH : MESSAGE_MAX_LENGTH}
        placeholder={
          noting()
            ? "Write an internal note for the team (@Name mentions a colleague)…"
            : "Type a text message…"
        }
        aria-describedby={[
          props.warning ? `${id}-warning` : "",
          `${id}-count`,
          unfilled().length > 0 ? `${id}-unfilled` : "",
        ]
          .filter(Boolean)
          .join(" ")}
        value={draft()}
        onFocus={() => props.onActivity?.("focus", draft())}
        onInput={(e) => {
          // "/" typed into an empty text opens the quick replies instead of being typed.
          if (!noting() && props.fillContext && draft() === "" && e.currentTarget.value === "/") {
            e.currentTarget.value = "";
            setPicking(true);
            return;
          }
          edit(e.currentTarget.value);
        }}
        onKeyDown={(e) => {
          // isComposing: Enter that confirms an IME candidate (Japanese, Chinese) is not a send.
          if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
          e.preventDefault();
          void send();
        }}
      />
      <UnfilledPlaceholders id={`${id}-unfilled`} placeholders={unfilled()} />
      <Show when={attaching()}>
        <AttachedPhotos attachments={photos} disabled={sending()} />
      </Show>
      <Show when={noting() && props.conversationId !== undefined}>
        <NoteMentions
          conversationId={props.conversationId ?? 0}
          draft={draft()}
          authorId={props.authorId ?? null}
        />
      </Show>
      <div class="composer-foot">
        <Show when={props.onNote}>
          <NoteSwitch
            checked={noting()}
            onChange={(on) => {
              setNoting(on);
              key = null;
              setError(null);
            }}
          />
        </Show>
        <Show when={attaching()}>
          <AttachPhotoButton attachments={photos} disabled={sending()} />
        </Show>
        <Show when={props.fillContext && !noting()}>
          <button
            type="button"
            class="button small"
            aria-expanded={picking()}
            onClick={() => setPicking((open) => !open)}
          >
            Quick replies
          </button>
        </Show>
        <Show
          when={!noting()}
          fallback={
            <p class="counter" id={`${id}-count`}>
              Internal note · {draft().length.toLocaleString("en-US")} /{" "}
              {NOTE_MAX_LENGTH.toLocaleString("en-US")} characters · never sent to the patient
            </p>
          }
        >
          <Show
            when={withPhotos()}
            fallback={
              <p class="counter" id={`${id}-count`}>
                {plural(counter().characters, "character")} · {plural(counter().segments, "segment")} ·{" "}
                {counter().encoding}
              </p>
            }
          >
            {/* With a photo the whole text goes as one MMS: segments and encoding no longer apply. */}
            <p class="counter" id={`${id}-count`}>
              {plural(counter().characters, "character")} · MMS · {plural(photos.files().length, "photo")}
            </p>
          </Show>
        </Show>
        <Show when={props.sendLater && !noting()}>
          {/* Photos wait for no one: an upload is kept for the next send, not for a scheduled one. */}
          <SendLater disabled={sending() || empty() || withPhotos()} onPick={(later) => void send(later)} />
        </Show>
        <button type="submit" class="button primary" disabled={sending() || empty()}>
          {sending() ? "Sending…" : "Send"}
        </button>
      </div>
      <Show when={uploading()}>
        {(status) => (
          <p class="hint" role="status">
            {status()}
          </p>
        )}
      </Show>
      <Show when={!noting() && !withPhotos() && counter().nonGsm.length > 0}>
        <p class="counter-warning" role="status">
          {counter()
            .nonGsm.map((c) => `“${c}”`)
            .join(" ")}{" "}
          is not a standard SMS character, so this text is sent as UCS-2: 70 characters per segment instead of
          160.
        </p>
      </Show>
      <Alert message={error()} />
    </form>
  );
}
