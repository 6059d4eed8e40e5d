import { Match, Show, Switch } from "solid-js";
import { messageTime, senderLabel, statusLabel } from "../lib/queue-format";
import type { LiveMessage } from "../lib/queue-types";
import { AppointmentChip } from "./appointment-chip";
import { AppointmentLine } from "./appointment-line";
import { EventLine } from "./event-line";
import { MediaList } from "./media-list";
import { isScheduled, ScheduledText } from "./scheduled-text";

type Props = {
  message: LiveMessage;
  patientName: string;
  timeZone: string;
  onRetry: (message: LiveMessage) => void;
  /** What this text did to the phone's opt-out state, if anything ("Opted out by texting STOP"). */
  note?: string | undefined;
};

/** An internal note: in its own colour, across the log, with its author; the patient never sees it. */
function NoteBubble(props: { message: LiveMessage; timeZone: string }) {
  const m = () => props.message;
  return (
    <li class="bubble-row internal-note">
      <div class="bubble note-bubble">
        <p class="note-label">Internal note</p>
        <p class="bubble-body">{m().body}</p>
        <p class="bubble-meta">
          <span class="sender">{m().authorName ?? "A former user"}</span>
          <span aria-hidden="true"> · </span>
          <time dateTime={new Date(m().createdAt).toISOString()}>
            {messageTime(m().createdAt, props.timeZone)}
          </time>
        </p>
      </div>
    </li>
  );
}

/** One row of the thread: an event line ("Sam Staff marked this done"), an internal note, or a text's bubble. */
export function MessageBubble(props: Props) {
  return (
    <Switch fallback={<TextBubble {...props} />}>
      <Match when={props.message.kind === "event"}>
        <EventLine message={props.message} timeZone={props.timeZone} />
      </Match>
      <Match when={props.message.kind === "note"}>
        <NoteBubble message={props.message} timeZone={props.timeZone} />
      </Match>
    </Switch>
  );
}

/** One text: the clinic's in green on the right, the patient's in grey on the left. */
function TextBubble(props: Props) {
  const m = () => props.message;
  const failed = () => m().status === "failed" || m().status === "undelivered";
  return (
    <li class="bubble-row" classList={{ out: m().direction === "out", in: m().direction === "in" }}>
      <div class="bubble">
        {/* A text that is only photos has no body line, only its pictures. */}
        <Show when={m().body !== "" || !m().media?.length}>
          <p class="bubble-body">{m().body}</p>
        </Show>
        <MediaList media={m().media ?? []} from={m().direction === "in" ? "the patient" : "the clinic"} />
        <p class="bubble-meta">
          <span class="sender">{senderLabel(m(), props.patientName)}</span>
          <span aria-hidden="true"> · </span>
          <time dateTime={new Date(m().createdAt).toISOString()}>
            {messageTime(m().createdAt, props.timeZone)}
          </time>
          {/* A waiting send-later text says when it goes instead of "Sending…" (ScheduledText below). */}
          <Show when={!isScheduled(m()) && statusLabel(m())}>
            {(status) => (
              <>
                <span aria-hidden="true"> · </span>
                <span class="status" classList={{ "status-failed": failed() }}>
                  {status()}
                </span>
              </>
            )}
          </Show>
        </p>
        <Show when={props.note}>{(note) => <p class="bubble-note">{note()}</p>}</Show>
        <AppointmentLine message={m()} />
        <AppointmentChip message={m()} />
        <Show when={isScheduled(m())}>
          <ScheduledText message={m()} timeZone={props.timeZone} />
        </Show>
        <Show when={failed()}>
          <p class="bubble-error">
            {m().errorReason ?? "The carrier did not deliver this text."}
            <Show when={m().errorCode}>{(code) => <> (error {code()})</>}</Show>{" "}
            <button type="button" class="button small" onClick={() => props.onRetry(m())}>
              Retry
            </button>
          </p>
        </Show>
      </div>
    </li>
  );
}
