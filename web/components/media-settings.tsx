import { createSignal, Show } from "solid-js";
import type { NumberView } from "../lib/admin";
import { api, call, messageOf } from "../lib/api";
import { CheckboxField } from "./ui/CheckboxField";
import { Alert } from "./ui/Alert";

function storedValue(number: NumberView): boolean {
  return number.deleteMediaAfterCopy === true;
}

/**
 * "Delete photos from Twilio after copying", for a saved Twilio number: once the worker has a verified copy in
 * R2 it deletes Twilio's, so a patient's photo does not stay with the carrier. Saved on its own as soon as it
 * is changed (it needs none of the form's other fields), with the worker's answer shown next to it.
 */
export function MediaSettings(props: { number: NumberView | undefined }) {
  return (
    <Show when={props.number?.carrier === "twilio" ? props.number : undefined} keyed>
      {(number) => <DeleteAfterCopy number={number} />}
    </Show>
  );
}

function DeleteAfterCopy(props: { number: NumberView }) {
  const [checked, setChecked] = createSignal(storedValue(props.number));
  const [busy, setBusy] = createSignal(false);
  const [saved, setSaved] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  async function save(on: boolean) {
    setBusy(true);
    setSaved(null);
    setError(null);
    setChecked(on);
    try {
      await call(
        api.api.admin.numbers[":id"].media.$put({
          param: { id: String(props.number.id) },
          json: { deleteMediaAfterCopy: on },
        }),
      );
      setSaved(on ? "Photos are deleted from Twilio once copied." : "Photos stay on Twilio after copying.");
    } catch (err) {
      setChecked(!on);
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="field-wide">
      <CheckboxField
        label="Delete photos from Twilio after copying"
        hint="Textdesk keeps its own copy; Twilio's is deleted once that copy is verified, so no patient photo stays with the carrier."
        checked={checked()}
        disabled={busy()}
        onValue={(on) => void save(on)}
      />
      <Alert kind="success" message={saved()} />
      <Alert message={error()} />
    </div>
  );
}
