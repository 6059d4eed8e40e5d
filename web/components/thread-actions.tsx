import { createResource, createSignal, For, Show } from "solid-js";
import { messageOf } from "../lib/api";
import { messageTime } from "../lib/queue-format";
import type { Conversation } from "../lib/queue-types";
import { assignTo, changeState, loadAssignees, type StateChange } from "../lib/team-actions";
import { TIME_PRESET_LABELS, TIME_PRESETS } from "../../worker/shared/team";
import { RowMenu } from "./row-menu";
import { Alert } from "./ui/Alert";

type Props = { conversation: Conversation; timeZone: string };

const UNASSIGNED = "";

/**
 * The thread header's team controls: Assigned to (the practice's users who may see this number, and
 * Unassigned), Done or Reopen, and Snooze (three presets on the number's clock, or a time picked here).
 */
export function ThreadActions(props: Props) {
  const [error, setError] = createSignal<string | null>(null);
  // Without the list the control still shows Unassigned and the current assignee; the error says why.
  const [users] = createResource(
    () => props.conversation.id,
    (id) =>
      loadAssignees(id).catch((e: unknown) => {
        setError(`Could not load who can be assigned: ${messageOf(e)}`);
        return [];
      }),
  );
  const [busy, setBusy] = createSignal(false);
  const [menu, setMenu] = createSignal<{ x: number; y: number } | null>(null);
  const [picking, setPicking] = createSignal(false);
  const [pickedAt, setPickedAt] = createSignal("");
  let snoozeButton: HTMLButtonElement | undefined;

  async function run(work: () => Promise<void>) {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }
  const change = (json: StateChange) => run(() => changeState(props.conversation.id, json));

  /** The list, plus the current assignee if they can no longer be chosen (access removed), so it shows. */
  const options = () => {
    const list = users() ?? [];
    const { assignedUserId, assignedName } = props.conversation;
    if (assignedUserId === null || list.some((u) => u.id === assignedUserId)) return list;
    return [...list, { id: assignedUserId, name: assignedName ?? "A former user" }];
  };

  function submitPicked(event: SubmitEvent) {
    event.preventDefault();
    // datetime-local is the PC's wall clock; the server checks it is ahead and within the limit.
    const until = new Date(pickedAt()).getTime();
    if (Number.isNaN(until)) {
      setError("Pick a date and time to snooze until.");
      return;
    }
    setPicking(false);
    void change({ state: "snoozed", until });
  }

  return (
    <div class="thread-actions">
      <div class="field inline">
        <label for={`assignee-${props.conversation.id}`}>Assigned to</label>
        <select
          id={`assignee-${props.conversation.id}`}
          disabled={busy()}
          value={
            props.conversation.assignedUserId === null
              ? UNASSIGNED
              : String(props.conversation.assignedUserId)
          }
          onChange={(e) => {
            const value = e.currentTarget.value;
            void run(() => assignTo(props.conversation.id, value === UNASSIGNED ? null : Number(value)));
          }}
        >
          <option value={UNASSIGNED} selected={props.conversation.assignedUserId === null}>
            Unassigned
          </option>
          <For each={options()}>
            {(user) => (
              <option value={String(user.id)} selected={user.id === props.conversation.assignedUserId}>
                {user.name}
              </option>
            )}
          </For>
        </select>
      </div>
      <Show when={props.conversation.state === "snoozed" && props.conversation.snoozedUntil}>
        {(until) => (
          <span class="hint snoozed-until">Snoozed until {messageTime(until(), props.timeZone)}</span>
        )}
      </Show>
      <Show
        when={props.conversation.state === "open"}
        fallback={
          <button
            type="button"
            class="button small"
            disabled={busy()}
            onClick={() => void change({ state: "open" })}
          >
            Reopen
          </button>
        }
      >
        <button
          type="button"
          class="button small"
          disabled={busy()}
          onClick={() => void change({ state: "done" })}
        >
          Done
        </button>
      </Show>
      <Show when={props.conversation.state !== "done"}>
        <button
          ref={snoozeButton}
          type="button"
          class="button small"
          aria-haspopup="menu"
          aria-expanded={menu() !== null}
          disabled={busy()}
          onClick={(e) => {
            const box = e.currentTarget.getBoundingClientRect();
            setMenu(menu() ? null : { x: box.left, y: box.bottom });
          }}
        >
          Snooze
        </button>
      </Show>
      <Show when={menu()}>
        {(at) => (
          <RowMenu
            label="Snooze until"
            x={at().x}
            y={at().y}
            items={[
              ...TIME_PRESETS.map((preset) => ({
                label: TIME_PRESET_LABELS[preset],
                onSelect: () => void change({ state: "snoozed", preset }),
              })),
              { label: "Pick a time…", onSelect: () => setPicking(true) },
            ]}
            onClose={() => {
              setMenu(null);
              snoozeButton?.focus();
            }}
          />
        )}
      </Show>
      <Show when={picking()}>
        <form class="snooze-pick" onSubmit={submitPicked}>
          <label for={`snooze-at-${props.conversation.id}`}>Snooze until</label>
          <input
            id={`snooze-at-${props.conversation.id}`}
            type="datetime-local"
            required
            value={pickedAt()}
            onInput={(e) => setPickedAt(e.currentTarget.value)}
          />
          <button type="submit" class="button small">
            Set snooze
          </button>
          <button type="button" class="button small" onClick={() => setPicking(false)}>
            Cancel
          </button>
        </form>
      </Show>
      <Alert message={error()} />
    </div>
  );
}
