import { createEffect, createSignal, For, on, onCleanup, Show } from "solid-js";
import { api, ApiError, call, messageOf } from "../lib/api";
import { fullName, type Patient } from "../lib/patients";
import type { ClinicNumber } from "../lib/queue-types";
import { formatPhone } from "../../worker/shared/phone";
import { Composer } from "./composer";
import { TextField } from "./ui/TextField";
import { Alert } from "./ui/Alert";

const SEARCH_DELAY_MS = 250;

type Props = {
  number: ClinicNumber;
  onClose: () => void;
  /** The text went out: open its conversation. */
  onStarted: (conversationId: number) => void;
};

/** The Rolodex from the queue: find a patient, type, send; the conversation starts with that text. */
export default function RolodexStart(props: Props) {
  const [text, setText] = createSignal("");
  const [query, setQuery] = createSignal("");
  const [patients, setPatients] = createSignal<Patient[]>([]);
  const [picked, setPicked] = createSignal<Patient | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  let latest = 0;
  createEffect(
    on(query, async (q) => {
      const ticket = ++latest;
      try {
        // In the body: a name or phone in a URL would land in the Worker's request logs.
        const page = await call(api.api.patients.search.$post({ json: { q, limit: 20 } }));
        if (ticket === latest) setPatients(page.patients);
      } catch (err) {
        if (ticket === latest) setError(messageOf(err));
      }
    }),
  );

  async function send(body: string, idempotencyKey: string) {
    const patient = picked();
    if (!patient) return;
    try {
      const { message } = await call(
        api.api.messages.$post({
          json: { numberId: props.number.id, phone: patient.phone, body, idempotencyKey },
        }),
      );
      props.onStarted(message.conversationId);
    } catch (err) {
      if (err instanceof ApiError && err.code === "opted_out") {
        throw new ApiError(
          409,
          "opted_out",
          `${fullName(patient)} opted out by texting STOP. They must text START to receive texts.`,
          null,
        );
      }
      throw err;
    }
  }

  return (
    <section class="rolodex-start" aria-labelledby="rolodex-start-title">
      <header class="thread-head">
        <h2 id="rolodex-start-title">Text a patient from the Rolodex</h2>
        <button type="button" class="button small" onClick={() => props.onClose()}>
          Close
        </button>
      </header>
      <div role="search">
        <TextField
          label="Find a patient"
          type="search"
          autocomplete="off"
          hint="First or last name, or any part of the phone number"
          value={text()}
          onValue={(value) => {
            setText(value);
            clearTimeout(timer);
            timer = setTimeout(() => setQuery(value.trim()), SEARCH_DELAY_MS);
          }}
        />
      </div>
      <Alert message={error()} />
      <ul class="patient-picks" aria-label="Patients">
        <For each={patients()} fallback={<li class="hint">No patients match.</li>}>
          {(patient) => (
            <li>
              <button
                type="button"
                class="patient-pick"
                aria-pressed={picked()?.id === patient.id}
                onClick={() => setPicked(patient)}
              >
                <span class="conv-name">
                  {patient.lastName}, {patient.firstName}
                </span>
                <span class="hint">{patient.phoneDisplay}</span>
              </button>
            </li>
          )}
        </For>
      </ul>
      <Show when={picked()} keyed>
        {(patient) => (
          <div class="start-compose">
            <p class="hint">
              To {fullName(patient)} at {patient.phoneDisplay}, from {props.number.label},{" "}
              {formatPhone(props.number.e164)}
            </p>
            <Composer label={`Text to ${fullName(patient)}`} onSend={send} />
          </div>
        )}
      </Show>
    </section>
  );
}
