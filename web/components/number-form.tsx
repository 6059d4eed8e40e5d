import { createSignal, Match, onMount, Show, Switch } from "solid-js";
import { createStore } from "solid-js/store";
import { api, call, messageOf } from "../lib/api";
import { CARRIER_OPTIONS, type Carrier, type NumberView } from "../lib/admin";
import { formatPhone } from "../../worker/shared/phone";
import { TimezoneField } from "./timezone-field";
import { MediaSettings } from "./media-settings";
import { FormActions } from "./ui/FormActions";
import { SelectField } from "./ui/SelectField";
import { TextField } from "./ui/TextField";

/** Write-only secrets: say that some are stored, never what they are. */
function KeepNotice(props: { when: boolean }) {
  return (
    <Show when={props.when}>
      <p class="hint field-wide">
        <strong>Credentials set.</strong> Leave these fields empty to keep them, or fill them all to replace
        them.
      </p>
    </Show>
  );
}

type Props = { number?: NumberView; onSaved: (number: NumberView) => void; onCancel: () => void };

function isCarrier(value: string): value is Carrier {
  return CARRIER_OPTIONS.some((c) => c.value === value);
}

/**
 * Add or edit a clinic number. Credentials are write-only: the API never sends them back, so an edit
 * shows only whether some are stored, and empty fields leave them as they are.
 */
export function NumberForm(props: Props) {
  const [form, setForm] = createStore({
    e164: props.number?.e164 ?? "",
    label: props.number?.label ?? "",
    carrier: props.number?.carrier ?? "twilio",
    timezone: props.number?.timezone ?? "America/Chicago",
    accountSid: "",
    authToken: "",
    apiKey: "",
    publicKey: "",
    messagingProfileId: "",
  });
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let first: HTMLInputElement | undefined;
  onMount(() => first?.focus());

  const credentials = () => {
    if (form.carrier === "twilio" && (form.accountSid || form.authToken)) {
      return { accountSid: form.accountSid.trim(), authToken: form.authToken.trim() };
    }
    if (form.carrier === "telnyx" && (form.apiKey || form.publicKey)) {
      const profile = form.messagingProfileId.trim();
      return {
        apiKey: form.apiKey.trim(),
        publicKey: form.publicKey.trim(),
        ...(profile ? { messagingProfileId: profile } : {}),
      };
    }
    return undefined;
  };
  const keepsCredentials = () =>
    props.number?.hasCredentials === true &&
    props.number.carrier === form.carrier &&
    form.carrier !== "simulator";

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const creds = credentials();
    const common = { label: form.label, carrier: form.carrier, timezone: form.timezone };
    try {
      const { number } = props.number
        ? await call(
            api.api.admin.numbers[":id"].$patch({
              param: { id: String(props.number.id) },
              json: { ...common, ...(creds ? { credentials: creds } : {}) },
            }),
          )
        : await call(
            api.api.admin.numbers.$post({
              json: { ...common, e164: form.e164, ...(creds ? { credentials: creds } : {}) },
            }),
          );
      props.onSaved(number);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const title = () => (props.number ? `Edit ${props.number.label}` : "Add clinic number");

  return (
    <form class="card form" aria-label={title()} onSubmit={(e) => void submit(e)}>
      <h2>{title()}</h2>
      <div class="grid">
        <Show
          when={props.number}
          fallback={
            <TextField
              ref={first}
              label="Number"
              type="tel"
              required
              hint="The texting number, e.g. (555) 123-0003"
              value={form.e164}
              onValue={(v) => setForm("e164", v)}
            />
          }
        >
          {(n) => (
            <div class="field">
              <span class="label-like">Number</span>
              <p class="static">{formatPhone(n().e164)}</p>
            </div>
          )}
        </Show>
        <TextField label="Label" required value={form.label} onValue={(v) => setForm("label", v)} />
        <SelectField
          label="Carrier"
          value={form.carrier}
          options={CARRIER_OPTIONS}
          onValue={(v) => isCarrier(v) && setForm("carrier", v)}
        />
        <TimezoneField value={form.timezone} onValue={(v) => setForm("timezone", v)} />
      </div>
      <Switch>
        <Match when={form.carrier === "twilio"}>
          <fieldset class="grid">
            <legend>Twilio credentials</legend>
            <KeepNotice when={keepsCredentials()} />
            <TextField
              label="Account SID"
              autocomplete="off"
              spellcheck={false}
              value={form.accountSid}
              onValue={(v) => setForm("accountSid", v)}
            />
            <TextField
              label="Auth token"
              type="password"
              autocomplete="new-password"
              value={form.authToken}
              onValue={(v) => setForm("authToken", v)}
            />
            <MediaSettings number={props.number} />
          </fieldset>
        </Match>
        <Match when={form.carrier === "telnyx"}>
          <fieldset class="grid">
            <legend>Telnyx credentials</legend>
            <KeepNotice when={keepsCredentials()} />
            <TextField
              label="API key"
              type="password"
              autocomplete="new-password"
              value={form.apiKey}
              onValue={(v) => setForm("apiKey", v)}
            />
            <TextField
              label="Public key"
              autocomplete="off"
              spellcheck={false}
              hint="Base64 Ed25519 key from Mission Control, for webhook signatures"
              value={form.publicKey}
              onValue={(v) => setForm("publicKey", v)}
            />
            <TextField
              label="Messaging profile ID"
              autocomplete="off"
              hint="Optional"
              value={form.messagingProfileId}
              onValue={(v) => setForm("messagingProfileId", v)}
            />
          </fieldset>
        </Match>
        <Match when={form.carrier === "simulator"}>
          <p class="hint">The simulator needs no credentials; use it only for testing.</p>
        </Match>
      </Switch>
      <FormActions
        error={error()}
        busy={busy()}
        submitLabel={props.number ? "Save changes" : "Add number"}
        onCancel={() => props.onCancel()}
      />
    </form>
  );
}
