import { createSignal, For, onMount } from "solid-js";
import { createStore } from "solid-js/store";
import { api, call, messageOf } from "../lib/api";
import type { NumberView } from "../lib/admin";
import { FormActions } from "./ui/FormActions";
import { CheckboxField } from "./ui/CheckboxField";
import { SelectField } from "./ui/SelectField";
import { TextAreaField } from "./ui/TextAreaField";
import { TextField } from "./ui/TextField";

const DAYS = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
] as const;
type Day = (typeof DAYS)[number][0];
type DayForm = { open: boolean; from: string; to: string };

const STOP_OPTIONS = [
  {
    value: "default",
    label: "Carrier default (Twilio confirms STOP itself; Telnyx and the simulator do not)",
  },
  { value: "true", label: "The carrier sends its own STOP confirmation" },
  { value: "false", label: "Textdesk sends the STOP confirmation" },
];

type Props = { number: NumberView; onSaved: (number: NumberView) => void; onCancel: () => void };

/**
 * Office hours and the doctor's cell: a text outside these hours sends the alert phones a notice without
 * patient details, and the patient the optional away reply (once per closed period). Also whether the carrier already answers STOP, so a patient never gets two confirmations.
 */
export function AfterHoursForm(props: Props) {
  const hours = props.number.officeHours ?? {};
  const [days, setDays] = createStore(
    Object.fromEntries(
      DAYS.map(([day]) => {
        const h = hours[day];
        return [day, { open: Boolean(h), from: h?.open ?? "08:00", to: h?.close ?? "17:00" }];
      }),
    ) as Record<Day, DayForm>,
  );
  const [enabled, setEnabled] = createSignal(props.number.officeHours !== null);
  const [phones, setPhones] = createSignal(props.number.alertPhones.join("\n"));
  const [quiet, setQuiet] = createSignal(String(props.number.afterHoursQuietMinutes));
  const [away, setAway] = createSignal(props.number.awayMessage ?? "");
  const [stop, setStop] = createSignal(
    props.number.carrierHandlesOptOut === null ? "default" : String(props.number.carrierHandlesOptOut),
  );
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let heading: HTMLHeadingElement | undefined;
  onMount(() => heading?.focus());

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const officeHours = enabled()
      ? Object.fromEntries(
          DAYS.map(([day]) => [day, days[day].open ? { open: days[day].from, close: days[day].to } : null]),
        )
      : null;
    const param = { id: String(props.number.id) };
    try {
      await call(
        api.api.admin.numbers[":id"]["after-hours"].$put({
          param,
          json: {
            officeHours,
            alertPhones: phones()
              .split(/[\n,]+/)
              .map((p) => p.trim())
              .filter(Boolean),
            quietMinutes: Number(quiet()),
            // An empty box turns the away reply off.
            awayMessage: away().trim() === "" ? null : away(),
          },
        }),
      );
      const { number } = await call(
        api.api.admin.numbers[":id"].keywords.$put({
          param,
          json: { carrierHandlesOptOut: stop() === "default" ? null : stop() === "true" },
        }),
      );
      props.onSaved(number);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="card form"
      aria-label={`After hours for ${props.number.label}`}
      onSubmit={(e) => void submit(e)}
    >
      <h2 ref={heading} tabindex="-1">
        After hours and keywords: {props.number.label}
      </h2>
      <CheckboxField
        label="Use office hours: text an alert to the phones below, and the away reply to the patient, when a patient texts outside them"
        checked={enabled()}
        onValue={setEnabled}
      />
      <fieldset class="stack" disabled={!enabled()}>
        <legend>Office hours ({props.number.timezone.replaceAll("_", " ")})</legend>
        <For each={DAYS}>
          {([day, name]) => (
            <div class="grid">
              <CheckboxField
                label={`Open on ${name}`}
                checked={days[day].open}
                onValue={(v) => setDays(day, "open", v)}
              />
              <TextField
                label={`${name} opens`}
                type="time"
                value={days[day].from}
                disabled={!days[day].open}
                onValue={(v) => setDays(day, "from", v)}
              />
              <TextField
                label={`${name} closes`}
                type="time"
                value={days[day].to}
                disabled={!days[day].open}
                onValue={(v) => setDays(day, "to", v)}
              />
            </div>
          )}
        </For>
        <TextAreaField label="Alert phones (one per line)" rows={2} value={phones()} onValue={setPhones} />
        <TextField
          label="At most one alert every (minutes)"
          type="number"
          min="1"
          max="1440"
          value={quiet()}
          onValue={setQuiet}
        />
        <TextAreaField
          label="Away reply (optional, sent once per closed period; {opensAt} becomes e.g. Mon 8:00 AM)"
          rows={3}
          value={away()}
          onValue={setAway}
        />
      </fieldset>
      <SelectField label="STOP confirmations" value={stop()} options={STOP_OPTIONS} onValue={setStop} />
      <FormActions error={error()} busy={busy()} submitLabel={"Save"} onCancel={() => props.onCancel()} />
    </form>
  );
}
