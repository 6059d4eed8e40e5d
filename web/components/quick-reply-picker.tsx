import { createMemo, createResource, createSignal, createUniqueId, For, onMount, Show } from "solid-js";
import { api, call, messageOf, type Ok } from "../lib/api";
import { session } from "../lib/session";
import {
  fillPlaceholders,
  PLACEHOLDER_LABELS,
  type FillContext,
  type Placeholder,
} from "../../worker/shared/placeholders";

export type QuickReply = Ok<
  Awaited<ReturnType<(typeof api.api)["quick-replies"]["$get"]>>
>["quickReplies"][number];

/** The filled text of a quick reply for this conversation, and what could not be filled. */
export function fillQuickReply(reply: Pick<QuickReply, "body">, context: FillContext) {
  return fillPlaceholders(reply.body, context);
}

const matches = (reply: QuickReply, query: string) => {
  const q = query.trim().toLocaleLowerCase();
  return q === "" || `${reply.name}\n${reply.body}`.toLocaleLowerCase().includes(q);
};

/**
 * The searchable list of the practice's quick replies (a combobox over a listbox): type to narrow, arrows to
 * move, Enter or a click to choose, Escape to close. The composer fills the chosen one.
 */
export function QuickReplyPicker(props: { onChoose: (reply: QuickReply) => void; onClose: () => void }) {
  const id = createUniqueId();
  const [replies] = createResource(async () => (await call(api.api["quick-replies"].$get())).quickReplies);
  const [query, setQuery] = createSignal("");
  const [active, setActive] = createSignal(0);
  const shown = createMemo(() => (replies() ?? []).filter((r) => matches(r, query())));
  let search: HTMLInputElement | undefined;
  onMount(() => search?.focus());

  function choose(reply: QuickReply | undefined) {
    if (reply) props.onChoose(reply);
  }

  function onKeyDown(e: KeyboardEvent) {
    const count = shown().length;
    if (e.key === "ArrowDown" && count > 0) {
      e.preventDefault();
      setActive((i) => (i + 1) % count);
    } else if (e.key === "ArrowUp" && count > 0) {
      e.preventDefault();
      setActive((i) => (i - 1 + count) % count);
    } else if (e.key === "Enter") {
      e.preventDefault();
      choose(shown()[active()]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      props.onClose();
    }
  }

  return (
    <div class="quick-reply-picker">
      <label for={`${id}-search`} class="visually-hidden">
        Search quick replies
      </label>
      <input
        ref={search}
        id={`${id}-search`}
        type="search"
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-activedescendant={shown().length > 0 ? `${id}-option-${active()}` : undefined}
        placeholder="Search quick replies…"
        value={query()}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <Show when={!replies.error} fallback={<p class="bubble-error">{messageOf(replies.error)}</p>}>
        <ul id={`${id}-list`} role="listbox" aria-label="Quick replies">
          <For
            each={shown()}
            fallback={
              <li class="hint">
                {replies.loading
                  ? "Loading…"
                  : (replies() ?? []).length === 0
                    ? "No quick replies yet. An admin adds them under Settings, Quick replies."
                    : "No quick reply matches."}
              </li>
            }
          >
            {(reply, index) => (
              <li
                id={`${id}-option-${index()}`}
                role="option"
                aria-selected={index() === active()}
                classList={{ active: index() === active() }}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(reply)}
              >
                <strong>{reply.name}</strong>
                <span class="hint">{reply.body}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <button type="button" class="button small" onClick={() => props.onClose()}>
        Close
      </button>
    </div>
  );
}

/** The placeholders still in the text, highlighted, with what each needs; Send is refused while any is left. */
export function UnfilledPlaceholders(props: { id: string; placeholders: readonly Placeholder[] }) {
  return (
    <Show when={props.placeholders.length > 0}>
      <p class="placeholder-warning" id={props.id}>
        Not filled in:{" "}
        <For each={props.placeholders}>
          {(p, index) => (
            <>
              {index() > 0 ? ", " : ""}
              <mark>{`{${p}}`}</mark> ({PLACEHOLDER_LABELS[p]})
            </>
          )}
        </For>
        . Replace {props.placeholders.length === 1 ? "it" : "them"} before sending.
      </p>
    </Show>
  );
}

/** What this conversation fills placeholders with: its patients, the practice, the number, and me. */
export function fillContextOf(
  conversation: { patients: readonly { firstName: string; lastName: string }[] } | null,
  numberLabel: string,
): FillContext {
  return {
    patients: conversation?.patients ?? [],
    practiceName: session.me?.org?.name ?? null,
    numberLabel: numberLabel === "" ? null : numberLabel,
    staffName: session.me?.user?.name ?? null,
  };
}
