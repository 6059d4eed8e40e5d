import { createSignal, For, onCleanup, Show } from "solid-js";
import { api, call, messageOf, type Ok } from "../lib/api";
import { formatDateTime } from "../lib/format";
import { Alert } from "./ui/Alert";

type HistoryExport = Ok<Awaited<ReturnType<typeof api.api.exports.$get>>>["exports"][number];

const STATUS: Record<HistoryExport["status"], string> = {
  pending: "Waiting",
  running: "Building",
  done: "Ready",
  failed: "Failed",
  expired: "Expired",
};
/** The file is built after the answer (worker/routes/exports.ts): poll until none is in progress. */
const POLL_MS = 2000;

/**
 * "Export history": the whole history of this conversation as a CSV in R2, including what the queue's window
 * no longer shows. The panel lists the user's own exports with their status and a download link.
 */
export default function ExportHistory(props: { numberId: number; phone: string }) {
  const [open, setOpen] = createSignal(false);
  const [exports, setExports] = createSignal<HistoryExport[]>([]);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  async function refresh() {
    clearTimeout(timer);
    try {
      const list = (await call(api.api.exports.$get())).exports;
      setExports(list);
      if (open() && list.some((e) => e.status === "pending" || e.status === "running")) {
        timer = setTimeout(() => void refresh(), POLL_MS);
      }
    } catch (err) {
      setError(messageOf(err));
    }
  }

  async function start() {
    setBusy(true);
    setError(null);
    setOpen(true);
    try {
      await call(
        api.api.exports.$post({ json: { numberId: props.numberId, phone: props.phone, format: "csv" } }),
      );
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
    await refresh();
  }

  return (
    <div class="export-history">
      <button type="button" class="button small" disabled={busy()} onClick={() => void start()}>
        Export history
      </button>
      <Show when={open()}>
        <div class="export-panel card" role="region" aria-label="Your exports">
          <div class="export-panel-head">
            <h3>Your exports</h3>
            <button
              type="button"
              class="button small quiet-dark"
              aria-label="Close your exports"
              onClick={() => {
                setOpen(false);
                clearTimeout(timer);
              }}
            >
              ✕
            </button>
          </div>
          <Alert message={error()} />
          <ul class="export-list">
            <For each={exports().slice(0, 8)} fallback={<li class="hint">No exports yet.</li>}>
              {(e) => (
                <li>
                  <span class="export-name">{e.fileName}</span>
                  <span class="hint">
                    {formatDateTime(e.createdAt)} · {STATUS[e.status]}
                    {e.status === "failed" && e.error ? `: ${e.error}` : ""}
                  </span>
                  <Show when={e.downloadUrl}>
                    {(url) => (
                      <a href={url()} download={e.fileName}>
                        Download
                      </a>
                    )}
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </div>
      </Show>
    </div>
  );
}
