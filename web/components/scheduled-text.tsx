import { createSignal, createUniqueId, Show } from "solid-js";
import { api, call, messageOf } from "../lib/api";
import type { LiveMessage } from "../lib/queue-types";
import { upsertMessage } from "../lib/thread-store";
import { MESSAGE_MAX_LENGTH } from "../../worker/shared/messages";
import { Alert } from "./ui/Alert";

/** A staff send-later text that still waits: queued, with a time, and an author. */
export function isScheduled(m: LiveMessage): boolean {
  return m.direction === "out" && m.status === "queued" && m.sendAfter !== null && m.authorUserId !== null;
}

const WEEK_MS = 6 * 86_400_000;

/** "Tue 8:00 AM" within the week, "Dec 14, 8:00 AM" beyond it, on the practice's clock. */
export function scheduledFor(at: number, timeZone: string, now = Date.now()): string {
  const options: Intl.DateTimeFormatOptions =
    at - now < WEEK_MS
      ? { weekday: "short", hour: "numeric", minute: "2-digit" }
      : { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" };
  return new Intl.DateTimeFormat("en-US", { ...options, timeZone }).format(at);
}

/** The datetime-local value ("2026-12-02T08:00") of an instant on the practice's clock. */
function localValue(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

type Props = { message: LiveMessage; timeZone: string };

/**
 * Under a waiting send-later text: when it goes, and **Edit** (text and time) and **Cancel**. A screen that
 * is behind (the text already went) gets the server's 409 in words, and the bubble catches up by live event.
 */
export function ScheduledText(props: Props) {
  const id = createUniqueId();
  const [editing, setEditing] = createSignal(false);
  const [body, setBody] = createSignal("");
  const [when, setWhen] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const param = () => ({ id: String(props.message.conversationId), messageId: String(props.message.id) });

  function startEdit() {
    setBody(props.message.body);
    setWhen(localValue(props.message.sendAfter ?? Date.now(), props.timeZone));
    setError(null);
    setEditing(true);
  }

  async function run(work: () => Promise<{ message: LiveMessage }>) {
    setBusy(true);
    setError(null);
    try {
      upsertMessage((await work()).message);
      setEditing(false);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const save = () =>
    run(() =>
      call(
        api.api.conversations[":id"].scheduled[":messageId"].$patch({
          param: param(),
          json: { body: body(), sendAtLocal: when().slice(0, 16) },
        }),
      ),
    );
  const cancel = () =>
    run(() => call(api.api.conversations[":id"].scheduled[":messageId"].cancel.$post({ param: param() })));

  return (
    <div class="bubble-scheduled">
      <p class="status">
        Scheduled for {scheduledFor(props.message.sendAfter ?? 0, props.timeZone)}
        <Show when={props.message.cancelOnReply}> · cancelled if the patient texts first</Show>
      </p>
      <Show
        when={editing()}
        fallback={
          <p class="actions">
            <button type="button" class="button small" disabled={busy()} onClick={startEdit}>
              Edit
            </button>
            <button type="button" class="button small" disabled={busy()} onClick={() => void cancel()}>
              Cancel
            </button>
          </p>
        }
      >
        <form
          class="stack"
          aria-label="Edit scheduled text"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label for={`${id}-body`}>Text</label>
          <textarea
            id={`${id}-body`}
            rows="3"
            maxLength={MESSAGE_MAX_LENGTH}
            value={body()}
            onInput={(e) => setBody(e.currentTarget.value)}
          />
          <label for={`${id}-when`}>Send at</label>
          <input
            id={`${id}-when`}
            type="datetime-local"
            value={when()}
            onInput={(e) => setWhen(e.currentTarget.value)}
          />
          <p class="actions">
            <button type="submit" class="button small primary" disabled={busy() || body().trim() === ""}>
              Save
            </button>
            <button type="button" class="button small" onClick={() => setEditing(false)}>
              Close
            </button>
          </p>
        </form>
      </Show>
      <Alert message={error()} />
    </div>
  );
}
