import { createEffect, createSignal, Match, on, onCleanup, Show, Switch } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { CsvImport } from "../components/csv-import";
import { PatientForm } from "../components/patient-form";
import { PatientList } from "../components/patient-list";
import { Alert } from "../components/ui/Alert";
import { TextField } from "../components/ui/TextField";
import { api, call, messageOf } from "../lib/api";
import { fullName, type Patient } from "../lib/patients";

const PAGE_SIZE = 50;
/** Long enough to skip the requests for half-typed names, short enough to feel instant. */
const SEARCH_DELAY_MS = 250;

type Panel = { kind: "none" } | { kind: "add" } | { kind: "edit"; patient: Patient } | { kind: "import" };

export default function RolodexPage() {
  const [text, setText] = createSignal("");
  const [query, setQuery] = createSignal("");
  const [list, setList] = createStore({ patients: [] as Patient[], nextCursor: null as string | null });
  const [loading, setLoading] = createSignal(true);
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [panel, setPanel] = createSignal<Panel>({ kind: "none" });

  const editing = () => {
    const p = panel();
    return p.kind === "edit" ? p.patient : undefined;
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  function onSearch(value: string) {
    setText(value);
    clearTimeout(timer);
    timer = setTimeout(() => setQuery(value.trim()), SEARCH_DELAY_MS);
  }
  onCleanup(() => clearTimeout(timer));

  // Answers can arrive out of order while someone types; only the newest request may fill the list.
  let latest = 0;
  async function load(q: string, cursor?: string) {
    const ticket = ++latest;
    setLoading(true);
    setError(null);
    try {
      // In the body: a name or phone in a URL would land in the Worker's request logs.
      const json = { q, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) };
      const page = await call(api.api.patients.search.$post({ json }));
      if (ticket !== latest) return;
      setList({
        patients: cursor ? [...list.patients, ...page.patients] : page.patients,
        nextCursor: page.nextCursor,
      });
    } catch (err) {
      if (ticket === latest) setError(messageOf(err));
    } finally {
      if (ticket === latest) setLoading(false);
    }
  }

  createEffect(on(query, (q) => void load(q)));

  function saved(patient: Patient, wasNew: boolean) {
    setPanel({ kind: "none" });
    setNotice(`${fullName(patient)} ${wasNew ? "added" : "saved"}.`);
    const index = list.patients.findIndex((p) => p.id === patient.id);
    if (index >= 0) setList("patients", index, reconcile(patient));
    else void load(query());
  }

  return (
    <section class="stack" aria-labelledby="rolodex-title">
      <div class="page-head">
        <h1 id="rolodex-title">Rolodex</h1>
        <div class="actions">
          <button type="button" class="button primary" onClick={() => setPanel({ kind: "add" })}>
            Add patient
          </button>
          <button type="button" class="button" onClick={() => setPanel({ kind: "import" })}>
            Import CSV
          </button>
        </div>
      </div>

      <Switch>
        <Match when={panel().kind === "add"}>
          <PatientForm onSaved={(p) => saved(p, true)} onCancel={() => setPanel({ kind: "none" })} />
        </Match>
        <Match when={editing()} keyed>
          {(patient) => (
            <PatientForm
              patient={patient}
              onSaved={(p) => saved(p, false)}
              onCancel={() => setPanel({ kind: "none" })}
            />
          )}
        </Match>
        <Match when={panel().kind === "import"}>
          <CsvImport
            onClose={() => setPanel({ kind: "none" })}
            onImported={(count) => {
              setPanel({ kind: "none" });
              setNotice(`Imported ${count} patients.`);
              void load(query());
            }}
          />
        </Match>
      </Switch>

      <Alert kind="success" message={notice()} />

      <div role="search" class="search">
        <TextField
          label="Search patients"
          type="search"
          hint="First or last name, or any part of the phone number"
          autocomplete="off"
          value={text()}
          onValue={onSearch}
        />
      </div>

      <Alert message={error()} />
      <Show
        when={list.patients.length > 0}
        fallback={
          <Show when={!loading()}>
            <p class="empty">{query() ? `No patients match “${query()}”.` : "No patients yet."}</p>
          </Show>
        }
      >
        <PatientList patients={list.patients} onEdit={(patient) => setPanel({ kind: "edit", patient })} />
      </Show>
      <Show when={list.nextCursor}>
        {(cursor) => (
          <button
            type="button"
            class="button load-more"
            disabled={loading()}
            onClick={() => void load(query(), cursor())}
          >
            Load more
          </button>
        )}
      </Show>
      <Show when={loading()}>
        <p role="status" class="hint">
          Loading patients…
        </p>
      </Show>
    </section>
  );
}
