import { createEffect, createMemo, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { conversationName } from "../lib/queue-format";
import type { Conversation } from "../lib/queue-types";
import { ConversationRow } from "./conversation-row";
import { RowMenu } from "./row-menu";

/** Rows have a fixed height (see .conv-row), so positions need no measuring. */
export const ROW_HEIGHT = 68;
/** Start fetching the next page this many rows before the end, so scrolling rarely waits. */
const PREFETCH_ROWS = 10;
/** Rows kept in the DOM beyond each edge of the view, so a fast scroll does not show blank space. */
const OVERSCAN = 8;

type Props = {
  conversations: Conversation[];
  selectedId: number | null;
  timeZone: string;
  hasMore: boolean;
  loading: boolean;
  onOpen: (conversation: Conversation) => void;
  onLoadMore: () => void;
  onMarkUnread: (conversation: Conversation) => void;
};

type Menu = { conversation: Conversation; x: number; y: number; returnFocus: HTMLElement };

/**
 * The queue list, virtualised: only the rows in view exist in the DOM, so a practice with thousands of
 * conversations scrolls as smoothly as one with ten. Rows have one fixed height, so which rows are in view is
 * arithmetic on the scroll position (no measuring, and no virtualisation library in the first screen's code).
 */
export function ConversationList(props: Props) {
  let scroller: HTMLDivElement | undefined;
  const [menu, setMenu] = createSignal<Menu | null>(null);
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewHeight, setViewHeight] = createSignal(0);

  onMount(() => {
    const element = scroller;
    if (!element) return;
    const measure = () => {
      setViewHeight(element.clientHeight);
      setScrollTop(element.scrollTop);
    };
    measure();
    element.addEventListener("scroll", measure, { passive: true });
    // The list shares the screen with the thread on narrow layouts: its height changes without a scroll.
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(measure);
    observer?.observe(element);
    onCleanup(() => {
      element.removeEventListener("scroll", measure);
      observer?.disconnect();
    });
  });

  /** Rows in view, keyed by conversation, so a row (and the focus in it) follows its conversation on re-sort. */
  const visible = createMemo(() => {
    const first = Math.max(0, Math.floor(scrollTop() / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(
      props.conversations.length,
      Math.ceil((scrollTop() + viewHeight()) / ROW_HEIGHT) + OVERSCAN,
    );
    const rows: { conversation: Conversation; top: number; index: number }[] = [];
    for (let index = first; index < last; index++) {
      const conversation = props.conversations[index];
      if (conversation) rows.push({ conversation, top: index * ROW_HEIGHT, index });
    }
    return rows;
  });
  // Keyset paging as the user scrolls: the next page is asked for before the last row comes into view.
  createEffect(() => {
    const last = visible().at(-1);
    if (last && last.index >= props.conversations.length - PREFETCH_ROWS && props.hasMore && !props.loading) {
      props.onLoadMore();
    }
  });
  const position = createMemo(() => new Map(visible().map((r) => [r.conversation.id, r])));
  const conversations = createMemo(() => visible().map((r) => r.conversation));

  function closeMenu() {
    const open = menu();
    setMenu(null);
    if (open?.returnFocus.isConnected) open.returnFocus.focus();
  }

  return (
    <>
      <div ref={scroller} class="conv-scroller">
        <ul
          class="conv-list"
          aria-label="Conversations"
          style={{ height: `${props.conversations.length * ROW_HEIGHT}px` }}
        >
          <For each={conversations()}>
            {(conversation) => (
              <li
                class="conv-item"
                aria-setsize={props.hasMore ? -1 : props.conversations.length}
                aria-posinset={(position().get(conversation.id)?.index ?? 0) + 1}
                style={{ transform: `translateY(${position().get(conversation.id)?.top ?? 0}px)` }}
              >
                <ConversationRow
                  conversation={conversation}
                  selected={conversation.id === props.selectedId}
                  menuOpen={menu()?.conversation.id === conversation.id}
                  timeZone={props.timeZone}
                  onOpen={() => props.onOpen(conversation)}
                  onMenu={(x, y, returnFocus) => setMenu({ conversation, x, y, returnFocus })}
                />
              </li>
            )}
          </For>
        </ul>
        <Show when={props.hasMore}>
          <button
            type="button"
            class="button small load-more"
            disabled={props.loading}
            onClick={() => props.onLoadMore()}
          >
            Load more conversations
          </button>
        </Show>
      </div>
      <Show when={menu()}>
        {(open) => (
          <RowMenu
            label={`Actions for ${conversationName(open().conversation)}`}
            x={open().x}
            y={open().y}
            onClose={closeMenu}
            items={[{ label: "Mark Unread", onSelect: () => props.onMarkUnread(open().conversation) }]}
          />
        )}
      </Show>
    </>
  );
}
