import { createMemo, createSignal, createUniqueId, Show } from "solid-js";
import { messageOf } from "../lib/api";
import { MESSAGE_MAX_LENGTH } from "../../worker/shared/messages";
import { measureDraft } from "../../worker/shared/segments";
import { Alert } from "./ui/Alert";

type Props = {
  /** The textarea's accessible name, e.g. "Reply to Maria Alvarez". */
  label: string;
  /** Sends one composed text; the key is the same for every try of the same text. */
  onSend: (body: string, idempotencyKey: string) => Promise<void>;
  /** Shown above the box while something needs care first (a possible opt-out nobody has decided). */
  warning?: string | undefined;
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

  function edit(value: string) {
    setDraft(value);
    props.onActivity?.("input", value);
    // A different text is a different send: it must not reuse the key of the one that failed.
    key = null;
    setError(null);
  }

  async function send() {
    if (sending() || draft().trim() === "") return;
    if (props.beforeSend && !(await props.beforeSend())) return;
    // Read again: the draft may have been edited while Send asked.
    const body = draft();
    if (sending() || body.trim() === "") return;
    key ??= crypto.randomUUID();
    setSending(true);
    setError(null);
    try {
      await props.onSend(body, key);
      key = null;
      setDraft("");
      props.onActivity?.("input", "");
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
        onFocus={() => props.onActivity?.("focus", draft())}
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
