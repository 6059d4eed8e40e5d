import { createSignal, createUniqueId, For, Show } from "solid-js";
import { TIME_PRESET_LABELS, TIME_PRESETS, type TimePreset } from "../../worker/shared/team";

/**
 * When a send-later text should go: a preset ("tomorrow at opening", resolved by the server with the
 * number's office hours) or a wall time from the datetime-local field, read by the server on the number's
 * clock, so the screen never does time-zone arithmetic of its own.
 */
export type SendLaterChoice = ({ preset: TimePreset } | { sendAtLocal: string }) & { cancelOnReply: boolean };

type Props = {
  /** Nothing to schedule yet (empty draft) or a send in flight. */
  disabled: boolean;
  onPick: (choice: SendLaterChoice) => void;
};

/** The composer's **Send later** control: presets, "Pick a time…", and "Cancel if the patient texts first". */
export function SendLater(props: Props) {
  const id = createUniqueId();
  const [open, setOpen] = createSignal(false);
  const [picking, setPicking] = createSignal(false);
  const [when, setWhen] = createSignal("");
  const [cancelOnReply, setCancelOnReply] = createSignal(true);

  function pick(choice: { preset: TimePreset } | { sendAtLocal: string }) {
    props.onPick({ ...choice, cancelOnReply: cancelOnReply() });
    setOpen(false);
    setPicking(false);
  }

  return (
    <div class="send-later">
      <button
        type="button"
        class="button"
        aria-expanded={open()}
        aria-controls={`${id}-menu`}
        disabled={props.disabled}
        onClick={() => setOpen(!open())}
      >
        Send later
      </button>
      <Show when={open()}>
        <div class="send-later-menu card" id={`${id}-menu`} role="group" aria-label="Send later">
          <For each={TIME_PRESETS}>
            {(preset) => (
              <button
                type="button"
                class="button small"
                disabled={props.disabled}
                onClick={() => pick({ preset })}
              >
                {TIME_PRESET_LABELS[preset]}
              </button>
            )}
          </For>
          <button type="button" class="button small" onClick={() => setPicking(!picking())}>
            Pick a time…
          </button>
          <Show when={picking()}>
            <label for={`${id}-when`}>Send at</label>
            <input
              id={`${id}-when`}
              type="datetime-local"
              value={when()}
              onInput={(e) => setWhen(e.currentTarget.value)}
            />
            <button
              type="button"
              class="button small primary"
              disabled={props.disabled || when() === ""}
              onClick={() => pick({ sendAtLocal: when().slice(0, 16) })}
            >
              Schedule
            </button>
          </Show>
          <label class="checkbox">
            <input
              type="checkbox"
              checked={cancelOnReply()}
              onChange={(e) => setCancelOnReply(e.currentTarget.checked)}
            />
            Cancel if the patient texts first
          </label>
        </div>
      </Show>
    </div>
  );
}
