import { createSignal, onMount } from "solid-js";
import { createStore } from "solid-js/store";
import { api, call, messageOf } from "../lib/api";
import { fullName, type Patient } from "../lib/patients";
import { FormActions } from "./ui/FormActions";
import { TextAreaField } from "./ui/TextAreaField";
import { TextField } from "./ui/TextField";

type Props = {
  /** Absent: a new patient. */
  patient?: Patient;
  onSaved: (patient: Patient) => void;
  onCancel: () => void;
};

/** Add or edit one patient. The server normalises the phone and says exactly what it refused. */
export function PatientForm(props: Props) {
  const [form, setForm] = createStore({
    firstName: props.patient?.firstName ?? "",
    lastName: props.patient?.lastName ?? "",
    phone: props.patient?.phoneDisplay ?? "",
    dateOfBirth: props.patient?.dateOfBirth ?? "",
    notes: props.patient?.notes ?? "",
  });
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let first: HTMLInputElement | undefined;
  onMount(() => first?.focus());

  const title = () => (props.patient ? `Edit ${fullName(props.patient)}` : "Add patient");

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const json = {
      firstName: form.firstName,
      lastName: form.lastName,
      phone: form.phone,
      dateOfBirth: form.dateOfBirth || null,
      notes: form.notes || null,
    };
    try {
      const { patient } = props.patient
        ? await call(api.api.patients[":id"].$patch({ param: { id: String(props.patient.id) }, json }))
        : await call(api.api.patients.$post({ json }));
      props.onSaved(patient);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card form" aria-label={title()} onSubmit={(e) => void submit(e)}>
      <h2>{title()}</h2>
      <div class="grid">
        <TextField
          ref={first}
          label="First name"
          required
          autocomplete="off"
          value={form.firstName}
          onValue={(v) => setForm("firstName", v)}
        />
        <TextField
          label="Last name"
          required
          autocomplete="off"
          value={form.lastName}
          onValue={(v) => setForm("lastName", v)}
        />
        <TextField
          label="Mobile phone"
          type="tel"
          required
          autocomplete="off"
          value={form.phone}
          onValue={(v) => setForm("phone", v)}
        />
        <TextField
          label="Date of birth"
          type="date"
          hint="Optional"
          value={form.dateOfBirth}
          onValue={(v) => setForm("dateOfBirth", v)}
        />
        <TextAreaField label="Notes" rows={3} value={form.notes} onValue={(v) => setForm("notes", v)} />
      </div>
      <FormActions
        error={error()}
        busy={busy()}
        submitLabel={props.patient ? "Save changes" : "Add patient"}
        onCancel={() => props.onCancel()}
      />
    </form>
  );
}
