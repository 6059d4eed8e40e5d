import { createSignal, For, onMount } from "solid-js";
import { createStore } from "solid-js/store";
import { api, call, messageOf } from "../lib/api";
import type { NumberView, UserView } from "../lib/admin";
import { formatPhone } from "../../worker/shared/phone";
import { FormActions } from "./ui/FormActions";
import { CheckboxField } from "./ui/CheckboxField";
import { SelectField } from "./ui/SelectField";
import { TextField } from "./ui/TextField";

type Props = {
  user?: UserView;
  numbers: NumberView[];
  onSaved: (user: UserView) => void;
  onCancel: () => void;
};

const ROLE_OPTIONS = [
  { value: "staff", label: "Staff" },
  { value: "admin", label: "Admin" },
] as const;

/** Create or edit a user: role, the "privileges" (SMS Reply Alert / Sound) and the numbers they see. */
export function UserForm(props: Props) {
  const [form, setForm] = createStore({
    name: props.user?.name ?? "",
    email: props.user?.email ?? "",
    role: props.user?.role ?? "staff",
    active: props.user?.active ?? true,
    smsReplyAlert: props.user?.smsReplyAlert ?? true,
    smsReplySound: props.user?.smsReplySound ?? true,
    numberIds: props.user?.numberIds ?? [],
    password: "",
  });
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let first: HTMLInputElement | undefined;
  onMount(() => first?.focus());

  function toggleNumber(id: number, on: boolean) {
    setForm("numberIds", (ids) => (on ? [...ids, id] : ids.filter((n) => n !== id)));
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const { password, ...fields } = form;
    try {
      const { user } = props.user
        ? await call(
            api.api.admin.users[":id"].$patch({
              param: { id: String(props.user.id) },
              json: { ...fields, ...(password ? { password } : {}) },
            }),
          )
        : await call(api.api.admin.users.$post({ json: { ...fields, password } }));
      if (user) props.onSaved(user);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const title = () => (props.user ? `Edit ${props.user.name}` : "Add user");

  return (
    <form class="card form" aria-label={title()} onSubmit={(e) => void submit(e)}>
      <h2>{title()}</h2>
      <div class="grid">
        <TextField ref={first} label="Name" required value={form.name} onValue={(v) => setForm("name", v)} />
        <TextField
          label="E-mail"
          type="email"
          required
          autocomplete="off"
          value={form.email}
          onValue={(v) => setForm("email", v)}
        />
        <SelectField
          label="Role"
          value={form.role}
          options={ROLE_OPTIONS}
          onValue={(v) => setForm("role", v === "admin" ? "admin" : "staff")}
        />
        <TextField
          label={props.user ? "New password" : "Password"}
          type="password"
          autocomplete="new-password"
          required={!props.user}
          minLength={10}
          hint={
            props.user
              ? "Leave empty to keep the current one. Changing it signs the user out."
              : "At least 10 characters"
          }
          value={form.password}
          onValue={(v) => setForm("password", v)}
        />
      </div>
      <fieldset>
        <legend>Account and notifications</legend>
        <CheckboxField
          label="Active"
          checked={form.active}
          onValue={(v) => setForm("active", v)}
          hint="Inactive users cannot sign in"
        />
        <CheckboxField
          label="SMS Reply Alert"
          checked={form.smsReplyAlert}
          onValue={(v) => setForm("smsReplyAlert", v)}
          hint="Show a notification for every text received"
        />
        <CheckboxField
          label="SMS Reply Sound"
          checked={form.smsReplySound}
          onValue={(v) => setForm("smsReplySound", v)}
          hint="Play the chime"
        />
      </fieldset>
      <fieldset>
        <legend>Clinic numbers this user may see</legend>
        <p class="hint">Admins see every number.</p>
        <For each={props.numbers}>
          {(number) => (
            <CheckboxField
              label={`${number.label} ${formatPhone(number.e164)}`}
              checked={form.numberIds.includes(number.id)}
              onValue={(on) => toggleNumber(number.id, on)}
            />
          )}
        </For>
      </fieldset>
      <FormActions
        error={error()}
        busy={busy()}
        submitLabel={props.user ? "Save changes" : "Add user"}
        onCancel={() => props.onCancel()}
      />
    </form>
  );
}
