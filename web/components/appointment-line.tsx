import { Show } from "solid-js";
import { appointmentText, clinicTimeZone } from "../lib/appointments";
import type { LiveMessage } from "../lib/queue-types";

/**
 * Under a reminder from the practice system: the appointment it is about, in the clinic number's time zone
 * (the browser's when the number has none), and whether it asked for an answer.
 */
export function AppointmentLine(props: { message: LiveMessage }) {
  return (
    <Show when={props.message.appointment}>
      {(appointment) => <p class="appointment-line">{appointmentText(appointment(), clinicTimeZone())}</p>}
    </Show>
  );
}
