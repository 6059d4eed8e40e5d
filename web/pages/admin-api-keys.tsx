import { createResource, createSignal, For, Show } from "solid-js";
import { Alert } from "../components/ui/Alert";
import { TextField } from "../components/ui/TextField";
import { api, call, messageOf, type Ok } from "../lib/api";
import { formatDateTime } from "../lib/format";

type ApiKey = Ok<Awaited<ReturnType<(typeof api.api.admin)["api-keys"]["$get"]>>>["apiKeys"][number];

/**
 * Keys for the practice-management system (reminders, campaigns, patient sync). The secret is shown once,
 * right after creation: the server keeps only its hash, so it cannot be shown again.
 */
export default function AdminApiKeysPage() {
  const [keys, { refetch }] = createResource(
    async () => (await call(api.api.admin["api-keys"].$get())).apiKeys,
  );
  const [name, setName] = createSignal("");
  const [secret, setSecret] = createSignal<{ name: string; secret: string } | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function create(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await call(api.api.admin["api-keys"].$post({ json: { name: name() } }));
      setSecret({ name: created.apiKey.name, secret: created.secret });
      setName("");
      void refetch();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function revoke(key: ApiKey) {
    if (!window.confirm(`Revoke "${key.name}"? The practice system using it stops at once.`)) return;
    setError(null);
    try {
      await call(api.api.admin["api-keys"][":id"].$delete({ param: { id: String(key.id) } }));
      void refetch();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <section class="stack" aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <p class="hint">
        For the practice-management system: patient sync, reminders and campaigns (see the README's
        Practice-system API).
      </p>
      <form class="card form" aria-label="Create an API key" onSubmit={(e) => void create(e)}>
        <div class="grid">
          <TextField label="Key name" required maxLength={100} value={name()} onValue={setName} />
        </div>
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy()}>
            Create key
          </button>
        </div>
      </form>
      <Show when={secret()}>
        {(shown) => (
          <div class="card" role="status">
            <p>
              <strong>{shown().name}</strong>: copy this secret now. It will not be shown again.
            </p>
            <code class="secret">{shown().secret}</code>
          </div>
        )}
      </Show>
      <Alert message={error() ?? (keys.error ? messageOf(keys.error) : null)} />
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key starts with</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <For
            each={keys() ?? []}
            fallback={
              <tr>
                <td colSpan={6}>No keys yet.</td>
              </tr>
            }
          >
            {(key) => (
              <tr>
                <th scope="row">{key.name}</th>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{formatDateTime(key.createdAt)}</td>
                <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : "Never"}</td>
                <td>{key.revokedAt ? `Revoked ${formatDateTime(key.revokedAt)}` : "Active"}</td>
                <td class="row-actions">
                  <Show when={!key.revokedAt}>
                    <button
                      type="button"
                      class="button small"
                      aria-label={`Revoke ${key.name}`}
                      onClick={() => void revoke(key)}
                    >
                      Revoke
                    </button>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}
