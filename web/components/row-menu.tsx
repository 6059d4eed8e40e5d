import { For, onCleanup, onMount } from "solid-js";

export type MenuItem = { label: string; onSelect: () => void };

type Props = {
  label: string;
  items: MenuItem[];
  /** Viewport position: the pointer for a right-click, the menu button for the keyboard. */
  x: number;
  y: number;
  /** Closed by Escape, Tab, a click elsewhere, or a choice; focus goes back where it came from. */
  onClose: () => void;
};

/**
 * A small context menu with the WAI-ARIA menu pattern (w3.org/WAI/ARIA/apg/patterns/menu-button): the first
 * item takes focus, arrows move, Escape closes; the caller returns focus to the row's menu button.
 */
export function RowMenu(props: Props) {
  let menu: HTMLUListElement | undefined;
  const items = () => Array.from(menu?.querySelectorAll<HTMLElement>("[role='menuitem']") ?? []);

  function move(delta: number | "first" | "last") {
    const list = items();
    const current = list.findIndex((el) => el === document.activeElement);
    const index =
      delta === "first"
        ? 0
        : delta === "last"
          ? list.length - 1
          : (current + delta + list.length) % list.length;
    list[index]?.focus();
  }

  function onKeyDown(event: KeyboardEvent) {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(1),
      ArrowUp: () => move(-1),
      Home: () => move("first"),
      End: () => move("last"),
      Escape: () => props.onClose(),
      Tab: () => props.onClose(),
    };
    const action = keys[event.key];
    if (!action) return;
    if (event.key !== "Tab") event.preventDefault();
    action();
  }

  const outside = (event: PointerEvent) => {
    if (menu && event.target instanceof Node && !menu.contains(event.target)) props.onClose();
  };
  onMount(() => {
    move("first");
    document.addEventListener("pointerdown", outside, true);
  });
  onCleanup(() => document.removeEventListener("pointerdown", outside, true));

  // Keep the menu on screen near the right and bottom edges.
  const left = () => Math.max(8, Math.min(props.x, window.innerWidth - 200));
  const top = () => Math.max(8, Math.min(props.y, window.innerHeight - 60 * props.items.length));

  return (
    <ul
      ref={menu}
      role="menu"
      aria-label={props.label}
      class="row-menu"
      style={{ left: `${left()}px`, top: `${top()}px` }}
      onKeyDown={onKeyDown}
    >
      <For each={props.items}>
        {(item) => (
          <li
            role="menuitem"
            tabindex="-1"
            onClick={() => {
              item.onSelect();
              props.onClose();
            }}
            onKeyDown={(e) => {
              if (e.key !== "Enter" && e.key !== " ") return;
              e.preventDefault();
              item.onSelect();
              props.onClose();
            }}
          >
            {item.label}
          </li>
        )}
      </For>
    </ul>
  );
}
