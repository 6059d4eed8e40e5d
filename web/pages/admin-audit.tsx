import { createResource, createSignal, For, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { Alert } from "../components/ui/Alert";
import { api, call, messageOf } from "../lib/api";
import type { AuditEntry } from "../lib/admin";
import { formatDateTime } from "../lib/format";

const PAGE_SIZE = 50;

function describeDetail(detail: AuditEntry["detail"]) {
  if (!detail) return "";
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("; ");
}

/** Who did what, newest first. Entries never hold message text or phone numbers. */
export default function AdminAuditPage() {
  const [users] = createResource(async () => (await call(api.api.admin.users.$get())).users);
  const [log, setLog] = createStore({ entries: [] as AuditEntry[], more: false });
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  async function load(before?: number) {
    setLoading(true);
    setError(null);
    try {
      const query = { limit: String(PAGE_SIZE), ...(before ? { before: String(before) } : {}) };
      const { entries } = await call(api.api.admin.audit.$get({ query }));
      setLog({
        entries: before ? [...log.entries, ...entries] : entries,
        more: entries.length === PAGE_SIZE,
      });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setLoading(false);
    }
  }
  void load();

  const who = (id: number | null) =>
    id === null
      ? "System"
      : ((users.error ? undefined : users())?.find((u) => u.id === id)?.name ?? `User ${id}`);

  return (
    <section class="stack" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <Alert message={error()} />
      <table class="table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          <For each={log.entries}>
            {(entry) => (
              <tr>
                <td class="nowrap">{formatDateTime(entry.createdAt)}</td>
                <td>{who(entry.userId)}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td>
                  {entry.targetType ? `${entry.targetType.replace("_", " ")} ${entry.targetId ?? ""}` : ""}
                </td>
                <td class="notes">{describeDetail(entry.detail)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={log.more}>
        <button
          type="button"
          class="button load-more"
          disabled={loading()}
          onClick={() => void load(log.entries[log.entries.length - 1]?.id)}
        >
          Load more
        </button>
      </Show>
      <Show when={loading()}>
        <p role="status" class="hint">
          Loading…
        </p>
      </Show>
    </section>
  );
}
