import { createSignal, Show } from "solid-js";
import { messageOf } from "../lib/api";
import { correctAppointmentReply } from "../lib/appointments";
import type { LiveMessage } from "../lib/queue-types";
import {
  APPOINTMENT_CORRECTION_LABELS,
  APPOINTMENT_CORRECTIONS,
  APPOINTMENT_INTENT_LABELS,
  type AppointmentCorrection,
} from "../../worker/shared/reminders";
import { RowMenu } from "./row-menu";

/**
 * On a patient's reply to a reminder: how it was read ("Confirmed ✓", "Wants to reschedule" …), and a Change
 * menu for staff to correct a wrong guess. The answer replaces the message at once; the live event that follows
 * tells every other screen. A refusal stays next to the chip until the next try.
 */
export function AppointmentChip(props: { message: LiveMessage }) {
  const [menu, setMenu] = createSignal<{ x: number; y: number } | null>(null);
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let button: HTMLButtonElement | undefined;

  // The current reading is not offered again; "Not about the appointment" always is.
  const choices = () =>
    APPOINTMENT_CORRECTIONS.filter((c) => c !== props.message.appointmentReply?.intent).map((c) => ({
      label: APPOINTMENT_CORRECTION_LABELS[c],
      onSelect: () => void correct(c),
    }));

  async function correct(correction: AppointmentCorrection) {
    setSaving(true);
    setError(null);
    try {
      await correctAppointmentReply(props.message.conversationId, props.message.id, correction);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setSaving(false);
    }
  }

  function close() {
    setMenu(null);
    if (button?.isConnected) button.focus();
  }

  return (
    <Show when={props.message.appointmentReply}>
      {(reply) => (
        <div class="appointment-reply">
          <span class="appointment-chip" classList={{ [`intent-${reply().intent}`]: true }}>
            {APPOINTMENT_INTENT_LABELS[reply().intent]}
          </span>
          <button
            ref={button}
            type="button"
            class="appointment-change"
            aria-haspopup="menu"
            aria-expanded={menu() !== null}
            aria-label={`Change: ${APPOINTMENT_INTENT_LABELS[reply().intent]}`}
            // Not `disabled`: the menu hands focus back to this button after a choice, while it saves.
            aria-disabled={saving()}
            onClick={(e) => {
              if (saving()) return;
              const box = e.currentTarget.getBoundingClientRect();
              setMenu(menu() ? null : { x: box.left, y: box.bottom });
            }}
          >
            {saving() ? "Saving…" : "Change"}
          </button>
          <Show when={reply().correctedBy}>
            {(name) => <span class="appointment-corrected">Corrected by {name()}</span>}
          </Show>
          <Show when={menu()}>
            {(at) => (
              <RowMenu
                label="Change how this reply was read"
                items={choices()}
                x={at().x}
                y={at().y}
                onClose={close}
              />
            )}
          </Show>
          <Show when={error()}>
            {(text) => (
              <p class="bubble-error" role="alert">
                {text()}
              </p>
            )}
          </Show>
        </div>
      )}
    </Show>
  );
}
