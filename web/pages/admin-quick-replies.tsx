import { createResource, createSignal, For, Show } from "solid-js";
import { Alert } from "../components/ui/Alert";
import { TextAreaField } from "../components/ui/TextAreaField";
import { TextField } from "../components/ui/TextField";
import { api, call, messageOf, type Ok } from "../lib/api";
import { MESSAGE_MAX_LENGTH } from "../../worker/shared/messages";
import { PLACEHOLDER_LABELS, PLACEHOLDERS } from "../../worker/shared/placeholders";

type QuickReply = Ok<
  Awaited<ReturnType<(typeof api.api.admin)["quick-replies"]["$get"]>>
>["quickReplies"][number];

/**
 * Settings → Quick replies: the practice's saved texts, with placeholders the composer fills for the
 * conversation at hand. The server refuses an unknown placeholder, naming it; the message is shown here.
 */
export default function AdminQuickRepliesPage() {
  const [replies, { refetch }] = createResource(
    async () => (await call(api.api.admin["quick-replies"].$get())).quickReplies,
  );
  const [editing, setEditing] = createSignal<QuickReply | null>(null);
  const [name, setName] = createSignal("");
  const [body, setBody] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  function startEdit(reply: QuickReply | null) {
    setEditing(reply);
    setName(reply?.name ?? "");
    setBody(reply?.body ?? "");
    setError(null);
  }

  async function save(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const current = editing();
      const json = { name: name(), body: body() };
      if (current) {
        await call(api.api.admin["quick-replies"][":id"].$patch({ param: { id: String(current.id) }, json }));
      } else {
        await call(api.api.admin["quick-replies"].$post({ json }));
      }
      startEdit(null);
      void refetch();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(reply: QuickReply) {
    if (!window.confirm(`Delete the quick reply "${reply.name}"?`)) return;
    setError(null);
    try {
      await call(api.api.admin["quick-replies"][":id"].$delete({ param: { id: String(reply.id) } }));
      if (editing()?.id === reply.id) startEdit(null);
      void refetch();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <section class="stack" aria-labelledby="quick-replies-title">
      <h1 id="quick-replies-title">Quick replies</h1>
      <p class="hint">
        Saved texts for the composer (its Quick replies button, or “/” in an empty box). Placeholders are
        filled for the conversation:{" "}
        <For each={PLACEHOLDERS}>
          {(p, index) => (
            <>
              {index() > 0 ? ", " : ""}
              <code>{`{${p}}`}</code> ({PLACEHOLDER_LABELS[p]})
            </>
          )}
        </For>
        . One that cannot be filled (an unknown sender, a family phone) stays for the sender to replace.
      </p>
      <form
        class="card form"
        aria-label={editing() ? `Edit quick reply ${editing()?.name ?? ""}` : "Add a quick reply"}
        onSubmit={(e) => void save(e)}
      >
        <div class="grid">
          <TextField label="Name" required maxLength={100} value={name()} onValue={setName} />
          <TextAreaField
            label="Text"
            required
            rows={4}
            maxLength={MESSAGE_MAX_LENGTH}
            value={body()}
            onValue={setBody}
          />
        </div>
        <Alert message={error()} />
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy()}>
            {editing() ? "Save quick reply" : "Add quick reply"}
          </button>
          <Show when={editing()}>
            <button type="button" class="button" onClick={() => startEdit(null)}>
              Cancel
            </button>
          </Show>
        </div>
      </form>
      <Alert message={replies.error ? messageOf(replies.error) : null} />
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Text</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <For
            each={replies() ?? []}
            fallback={
              <tr>
                <td colSpan={3}>No quick replies yet.</td>
              </tr>
            }
          >
            {(reply) => (
              <tr>
                <th scope="row">{reply.name}</th>
                <td class="quick-reply-body">{reply.body}</td>
                <td class="row-actions">
                  <button
                    type="button"
                    class="button small"
                    aria-label={`Edit ${reply.name}`}
                    onClick={() => startEdit(reply)}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    class="button small"
                    aria-label={`Delete ${reply.name}`}
                    onClick={() => void remove(reply)}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}
