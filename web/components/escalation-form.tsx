import { createResource, createSignal, For, onMount, Show } from "solid-js";
import { api, call, messageOf } from "../lib/api";
import type { NumberView } from "../lib/admin";
import {
  AFTER_HOURS_WAIT_MINUTES,
  ESCALATION_MINUTES,
  type EscalationSettings,
} from "../../worker/shared/escalation";
import { Alert } from "./ui/Alert";
import { CheckboxField } from "./ui/CheckboxField";
import { FormActions } from "./ui/FormActions";
import { TextField } from "./ui/TextField";

type Props = { number: NumberView; onSaved: (number: NumberView) => void; onCancel: () => void };

/**
 * A number's "Escalation": during office hours, a patient text nobody answered for N minutes pushes everyone
 * on the number again; outside them, chosen users are pushed first and the doctor's alert text waits M
 * minutes for one of them to open it. Loads its own setting and the users who may be chosen.
 */
export function EscalationForm(props: Props) {
  const param = { id: String(props.number.id) };
  const [loaded] = createResource(() => call(api.api.admin.numbers[":id"].escalation.$get({ param })));
  return (
    <section class="card form" aria-label={`Escalation for ${props.number.label}`}>
      <Alert message={loaded.error ? messageOf(loaded.error) : null} />
      <Show when={loaded.error ? undefined : loaded()} fallback={<p class="hint">Loading…</p>}>
        {(data) => <Fields {...props} settings={data().escalation} users={data().users} />}
      </Show>
    </section>
  );
}

function Fields(props: Props & { settings: EscalationSettings; users: { id: number; name: string }[] }) {
  const [enabled, setEnabled] = createSignal(props.settings.enabled);
  const [minutes, setMinutes] = createSignal(String(props.settings.minutes));
  const [chosen, setChosen] = createSignal(new Set(props.settings.afterHoursPushUserIds));
  const [wait, setWait] = createSignal(String(props.settings.afterHoursWaitMinutes));
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let heading: HTMLHeadingElement | undefined;
  onMount(() => heading?.focus());

  function choose(userId: number, on: boolean) {
    const next = new Set(chosen());
    if (on) next.add(userId);
    else next.delete(userId);
    setChosen(next);
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { number } = await call(
        api.api.admin.numbers[":id"].escalation.$put({
          param: { id: String(props.number.id) },
          json: {
            enabled: enabled(),
            minutes: Number(minutes()),
            // In the list's order, so a save without changes sends the same body.
            afterHoursPushUserIds: props.users.filter((u) => chosen().has(u.id)).map((u) => u.id),
            afterHoursWaitMinutes: Number(wait()),
          },
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
    <form aria-label={`Escalation settings for ${props.number.label}`} onSubmit={(e) => void submit(e)}>
      <h2 ref={heading} tabindex="-1">
        Escalation: {props.number.label}
      </h2>
      <CheckboxField
        label="Escalate texts nobody answers"
        checked={enabled()}
        onValue={setEnabled}
        hint={
          enabled()
            ? "On: an unanswered text pushes everyone on this number again; after hours, the people chosen below are pushed first."
            : "Off: texts notify as usual and nothing is pushed again; after hours the alert text goes out at once (as set under After hours)."
        }
      />
      <fieldset class="stack" disabled={!enabled()}>
        <legend>During office hours</legend>
        <TextField
          label="Push everyone again after this many minutes without a reply"
          type="number"
          min={String(ESCALATION_MINUTES.min)}
          max={String(ESCALATION_MINUTES.max)}
          value={minutes()}
          onValue={setMinutes}
          hint={`${ESCALATION_MINUTES.min} to ${ESCALATION_MINUTES.max}. Once per unanswered text; a reply, Done or Snooze stops it. The push says only "Unanswered text on ${props.number.label}" and the practice name.`}
        />
        <Show when={props.number.officeHours === null}>
          <p class="hint">
            This number has no office hours, so it is always treated as open and the after-hours part below
            never applies. Set office hours under After hours.
          </p>
        </Show>
      </fieldset>
      <fieldset class="stack" disabled={!enabled()}>
        <legend>Outside office hours</legend>
        <Show
          when={props.users.length > 0}
          fallback={<p class="hint">Nobody can see this number yet, so nobody can be pushed first.</p>}
        >
          <div role="group" aria-label="Push these people first">
            <For each={props.users}>
              {(user) => (
                <CheckboxField
                  label={`Push ${user.name} first`}
                  checked={chosen().has(user.id)}
                  onValue={(on) => choose(user.id, on)}
                />
              )}
            </For>
          </div>
        </Show>
        <Show when={chosen().size === 0}>
          <p class="hint">
            Nobody chosen: the alert text goes to the alert phones at once, exactly as set under After hours.
          </p>
        </Show>
        <TextField
          label="Wait this many minutes for someone to open the text before the alert text goes out"
          type="number"
          min={String(AFTER_HOURS_WAIT_MINUTES.min)}
          max={String(AFTER_HOURS_WAIT_MINUTES.max)}
          value={wait()}
          disabled={chosen().size === 0}
          onValue={setWait}
          hint={`${AFTER_HOURS_WAIT_MINUTES.min} to ${AFTER_HOURS_WAIT_MINUTES.max}. If someone opens the conversation in time, no alert text is sent.`}
        />
      </fieldset>
      <FormActions error={error()} busy={busy()} submitLabel="Save" onCancel={() => props.onCancel()} />
    </form>
  );
}
