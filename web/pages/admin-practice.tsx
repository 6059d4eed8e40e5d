import { createResource, createSignal, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { TimezoneField } from "../components/timezone-field";
import { Alert } from "../components/ui/Alert";
import { TextField } from "../components/ui/TextField";
import { api, call, messageOf } from "../lib/api";
import type { Settings } from "../lib/admin";
import { loadSession } from "../lib/session";

function SettingsForm(props: { settings: Settings }) {
  const [form, setForm] = createStore({
    name: props.settings.name,
    timezone: props.settings.timezone,
    queueWindowDays: String(props.settings.queueWindowDays),
    idleTimeoutMinutes: String(props.settings.idleTimeoutMinutes),
    quietHoursStart: props.settings.quietHoursStart,
    quietHoursEnd: props.settings.quietHoursEnd,
  });
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await call(
        api.api.admin.settings.$patch({
          json: {
            name: form.name,
            timezone: form.timezone,
            queueWindowDays: Number(form.queueWindowDays),
            idleTimeoutMinutes: Number(form.idleTimeoutMinutes),
            quietHoursStart: form.quietHoursStart,
            quietHoursEnd: form.quietHoursEnd,
          },
        }),
      );
      setNotice("Practice settings saved.");
      // The toolbar shows the practice name and the idle timer uses the timeout: refresh both.
      await loadSession();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="card form" aria-label="Practice settings" onSubmit={(e) => void submit(e)}>
      <div class="grid">
        <TextField label="Practice name" required value={form.name} onValue={(v) => setForm("name", v)} />
        <TimezoneField value={form.timezone} onValue={(v) => setForm("timezone", v)} />
        <TextField
          label="Queue window (days)"
          type="number"
          min={1}
          max={90}
          required
          hint="The queue shows this many days; older texts stay in exports."
          value={form.queueWindowDays}
          onValue={(v) => setForm("queueWindowDays", v)}
        />
        <TextField
          label="Idle sign-out (minutes)"
          type="number"
          min={5}
          max={720}
          required
          hint="Signs a browser out after this long without activity."
          value={form.idleTimeoutMinutes}
          onValue={(v) => setForm("idleTimeoutMinutes", v)}
        />
        <TextField
          label="Campaign texts from"
          type="time"
          required
          hint="Campaigns wait for this window in each patient's local time. Reminders and replies are never held."
          value={form.quietHoursStart}
          onValue={(v) => setForm("quietHoursStart", v)}
        />
        <TextField
          label="Campaign texts until"
          type="time"
          required
          value={form.quietHoursEnd}
          onValue={(v) => setForm("quietHoursEnd", v)}
        />
      </div>
      <Alert message={error()} />
      <Alert kind="success" message={notice()} />
      <div class="actions">
        <button type="submit" class="button primary" disabled={busy()}>
          Save settings
        </button>
      </div>
    </form>
  );
}

export default function AdminPracticePage() {
  const [settings] = createResource(async () => (await call(api.api.admin.settings.$get())).settings);
  return (
    <section class="stack" aria-labelledby="practice-title">
      <h1 id="practice-title">Practice settings</h1>
      <Alert message={settings.error ? messageOf(settings.error) : null} />
      <Show when={settings.error ? undefined : settings()} keyed>
        {(s) => <SettingsForm settings={s} />}
      </Show>
    </section>
  );
}
