import { createSignal, createUniqueId, For, Show } from "solid-js";
import { api, ApiError, call, messageOf } from "../lib/api";
import { formatDob } from "../lib/format";
import type { ImportReport } from "../lib/patients";
import { Alert } from "./ui/Alert";

type Props = { onImported: (count: number) => void; onClose: () => void };

/** The API names fields as in its JSON; people know them by their column names. */
const FIELD_NAMES: Record<string, string> = {
  firstName: "First name",
  lastName: "Last name",
  phone: "Mobile phone",
  dateOfBirth: "Date of birth",
  notes: "Notes",
  externalId: "External ID",
};

/** The 422 answer of a real import carries the same report as a preview. */
function reportIn(error: unknown): ImportReport | undefined {
  if (!(error instanceof ApiError) || typeof error.body !== "object" || error.body === null) return undefined;
  return "errors" in error.body && "rowCount" in error.body ? (error.body as ImportReport) : undefined;
}

/**
 * CSV import in two steps: the server checks the file without writing (dryRun) and answers with every
 * row problem; Import is offered only for a clean file, and the server still imports all or nothing.
 */
export function CsvImport(props: Props) {
  const fileId = createUniqueId();
  const [csv, setCsv] = createSignal<string | null>(null);
  const [report, setReport] = createSignal<ImportReport | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const send = (dryRun: boolean, body: string) =>
    call(
      api.api.patients.import.$post(
        { query: { dryRun: dryRun ? "true" : "false" } },
        { init: { body, headers: { "content-type": "text/csv" } } },
      ),
    );

  async function pick(file: File | undefined) {
    setReport(null);
    setError(null);
    setCsv(null);
    if (!file) return;
    setBusy(true);
    try {
      const text = await file.text();
      setCsv(text);
      setReport(await send(true, text));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function runImport() {
    const text = csv();
    if (text === null) return;
    setBusy(true);
    setError(null);
    try {
      const result = await send(false, text);
      props.onImported(result.imported);
    } catch (err) {
      setReport(reportIn(err) ?? report());
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  const canImport = () => {
    const r = report();
    return !busy() && r !== null && r.errors.length === 0 && r.valid > 0;
  };

  return (
    <section class="card form" aria-labelledby={`${fileId}-title`}>
      <h2 id={`${fileId}-title`}>Import patients from CSV</h2>
      <div class="field">
        <label for={fileId}>CSV file</label>
        <input
          id={fileId}
          type="file"
          accept=".csv,text/csv"
          aria-describedby={`${fileId}-hint`}
          onChange={(e) => void pick(e.currentTarget.files?.[0])}
        />
        <p class="hint" id={`${fileId}-hint`}>
          A header row with first name, last name and mobile phone; date of birth and notes are optional.
          Nothing is saved until you press Import.
        </p>
      </div>
      <Show when={busy()}>
        <p role="status">Checking…</p>
      </Show>
      <Alert message={error()} />
      <Show when={report()}>
        {(r) => (
          <div class="stack">
            <p role="status" class="summary">
              {r().rowCount} rows, {r().valid} valid, {r().errors.length} with problems.
            </p>
            <Show when={r().errors.length > 0}>
              <table class="table compact">
                <caption>Rows to fix before importing</caption>
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Field</th>
                    <th scope="col">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={r().errors}>
                    {(e) => (
                      <tr>
                        <td>{e.row}</td>
                        <td>{FIELD_NAMES[e.field] ?? e.field}</td>
                        <td>{e.message}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
            <Show when={r().preview.length > 0}>
              <table class="table compact">
                <caption>First rows</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Mobile phone</th>
                    <th scope="col">Date of birth</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={r().preview.slice(0, 5)}>
                    {(p) => (
                      <tr>
                        <td>
                          {p.lastName}, {p.firstName}
                        </td>
                        <td>{p.phoneDisplay}</td>
                        <td>{formatDob(p.dateOfBirth)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </div>
        )}
      </Show>
      <div class="actions">
        <button type="button" class="button primary" disabled={!canImport()} onClick={() => void runImport()}>
          Import
        </button>
        <button type="button" class="button" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
    </section>
  );
}
