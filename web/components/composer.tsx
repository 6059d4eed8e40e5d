import { createMemo, createSignal, createUniqueId, Show } from "solid-js";
import { messageOf } from "../lib/api";
import { MESSAGE_MAX_LENGTH } from "../../worker/shared/messages";
import { measureDraft } from "../../worker/shared/segments";
import { Alert } from "./ui/Alert";
import { SendLater, type SendLaterChoice } from "./send-later";

type Props = {
  /** The textarea's accessible name, e.g. "Reply to Maria Alvarez". */
  label: string;
  /** Sends one composed text; the key is the same for every try of the same text. `later`: send-later. */
  onSend: (body: string, idempotencyKey: string, later?: SendLaterChoice) => Promise<void>;
  /** Offer **Send later** (replies in a conversation). */
  sendLater?: boolean;
  /** Shown above the box while something needs care first (a possible opt-out nobody has decided). */
  warning?: string | undefined;
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

  function edit(value: string) {
    setDraft(value);
    // A different text is a different send: it must not reuse the key of the one that failed.
    key = null;
    setError(null);
  }

  async function send(later?: SendLaterChoice) {
    const body = draft();
    if (sending() || body.trim() === "") return;
    key ??= crypto.randomUUID();
    setSending(true);
    setError(null);
    try {
      // A plain send keeps its two-argument call.
      await (later ? props.onSend(body, key, later) : props.onSend(body, key));
      key = null;
      setDraft("");
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setSending(false);
    }
  }

  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

  return (
    <form
      class="composer"
      aria-label="Compose a text"
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
      <textarea
        id={id}
        rows="3"
        maxLength={MESSAGE_MAX_LENGTH}
        placeholder="Type a text message…"
        aria-describedby={props.warning ? `${id}-warning ${id}-count` : `${id}-count`}
        value={draft()}
        onInput={(e) => edit(e.currentTarget.value)}
        onKeyDown={(e) => {
          // isComposing: Enter that confirms an IME candidate (Japanese, Chinese) is not a send.
          if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
          e.preventDefault();
          void send();
        }}
      />
      <div class="composer-foot">
        <p class="counter" id={`${id}-count`}>
          {plural(counter().characters, "character")} · {plural(counter().segments, "segment")} ·{" "}
          {counter().encoding}
        </p>
        <Show when={props.sendLater}>
          <SendLater disabled={sending() || draft().trim() === ""} onPick={(later) => void send(later)} />
        </Show>
        <button type="submit" class="button primary" disabled={sending() || draft().trim() === ""}>
          {sending() ? "Sending…" : "Send"}
        </button>
      </div>
      <Show when={counter().nonGsm.length > 0}>
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
