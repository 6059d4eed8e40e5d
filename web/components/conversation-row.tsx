import { Show } from "solid-js";
import { conversationName, listTime } from "../lib/queue-format";
import { rowNeedsAttention, type QueueRow } from "../lib/queue-views";
import { NEEDS_ATTENTION_LABEL } from "../../worker/shared/reminders";
import { PresenceInitials } from "./presence-initials";

type Props = {
  conversation: QueueRow;
  selected: boolean;
  menuOpen: boolean;
  timeZone: string;
  onOpen: () => void;
  /** Opens the row menu at a point (right-click) or under the menu button (keyboard). */
  onMenu: (x: number, y: number, returnFocus: HTMLElement) => void;
};

/** One conversation in the queue: a red dot while unread, green once read, with words for screen readers. */
export function ConversationRow(props: Props) {
  let menuButton: HTMLButtonElement | undefined;
  const name = () => conversationName(props.conversation);
  return (
    <div
      class="conv-row"
      classList={{ unread: props.conversation.unread, selected: props.selected }}
      onContextMenu={(e) => {
        e.preventDefault();
        if (menuButton) props.onMenu(e.clientX, e.clientY, menuButton);
      }}
    >
      <button
        type="button"
        class="conv-open"
        data-conversation={props.conversation.id}
        aria-current={props.selected ? "true" : undefined}
        onClick={() => props.onOpen()}
      >
        <span
          class="dot"
          classList={{ "dot-unread": props.conversation.unread }}
          role="img"
          aria-label={props.conversation.unread ? "Unread" : "Read"}
        />
        {/* Spaces between the parts, so the button's accessible name does not run words together
            (a grid ignores whitespace-only text, so the layout is unchanged). */}{" "}
        <span class="conv-name">{name()}</span>{" "}
        <span class="conv-time">{listTime(props.conversation.lastMessageAt, props.timeZone)}</span>{" "}
        <span class="conv-preview">{props.conversation.lastMessagePreview}</span>
        <Show when={rowNeedsAttention(props.conversation)}>
          {/* Under the read dot, after the name in the button's words ("… Needs attention"). */}{" "}
          <span class="conv-attention" title={NEEDS_ATTENTION_LABEL}>
            <span aria-hidden="true">!</span>
            <span class="visually-hidden">{NEEDS_ATTENTION_LABEL}</span>
          </span>
        </Show>
        <Show when={props.conversation.assignedName}>
          {(assignee) => (
            <>
              {" "}
              <span class="conv-assignee" title={`Assigned to ${assignee()}`}>
                <span class="visually-hidden">Assigned to </span>
                {assignee()}
              </span>
            </>
          )}
        </Show>
      </button>
      <PresenceInitials numberId={props.conversation.numberId} conversationId={props.conversation.id} />
      <button
        ref={menuButton}
        type="button"
        class="conv-menu-button"
        aria-haspopup="menu"
        aria-expanded={props.menuOpen}
        aria-label={`Actions for ${name()}`}
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          props.onMenu(box.left, box.bottom, e.currentTarget);
        }}
      >
        <span aria-hidden="true">⋮</span>
      </button>
    </div>
  );
}
