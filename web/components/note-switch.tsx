import { createResource, createUniqueId, For, Show } from "solid-js";
import { api, call } from "../lib/api";
import { findMentions, type Mentionable } from "../../worker/shared/mentions";

/**
 * The composer's **Internal note** switch: on, Send stores a note for the front desk instead of texting the
 * patient. A switch (role="switch") so screen readers announce on/off, as the composer's mode.
 */
export function NoteSwitch(props: { checked: boolean; onChange: (on: boolean) => void }) {
  const id = createUniqueId();
  return (
    <div class="note-switch">
      <input
        type="checkbox"
        role="switch"
        id={id}
        checked={props.checked}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
      <label for={id}>Internal note</label>
    </div>
  );
}

/**
 * Who the note will notify, by the server's own rule (shared/mentions.ts) over the colleagues who may see
 * this number, so the author sees "Mentions: Sam Staff" before pressing Send.
 */
export function NoteMentions(props: { conversationId: number; draft: string; authorId: number | null }) {
  const [people] = createResource(
    () => props.conversationId,
    async (id): Promise<Mentionable[]> =>
      (await call(api.api.conversations[":id"].mentionable.$get({ param: { id: String(id) } }))).users,
  );
  const named = () => {
    const list = people() ?? [];
    const ids = new Set(
      findMentions(props.draft, list)
        .map((m) => m.userId)
        .filter((userId) => userId !== props.authorId),
    );
    return list.filter((p) => ids.has(p.id));
  };
  return (
    <Show when={named().length > 0}>
      <p class="note-mentions" role="status">
        Mentions:{" "}
        <For each={named()}>
          {(person, index) => (
            <>
              {index() > 0 ? ", " : ""}
              <strong>{person.name}</strong>
            </>
          )}
        </For>
      </p>
    </Show>
  );
}

/** Stores a note in the conversation; the answer is the note as the thread shows it. */
export async function postNote(conversationId: number, body: string, idempotencyKey: string) {
  const { message } = await call(
    api.api.conversations[":id"].notes.$post({
      param: { id: String(conversationId) },
      json: { body, idempotencyKey },
    }),
  );
  return message;
}
