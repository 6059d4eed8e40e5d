import { createEffect, Show } from "solid-js";
import type { CollisionGuard } from "../lib/presence-collision";

/**
 * The question Send asks when a colleague is answering the same patient: "Sam Staff just replied. Send yours
 * too?" with Send anyway and Cancel. Focus moves to Send anyway while it is open (Escape is Cancel) and goes
 * back to where it was (the composer) once answered.
 */
export function CollisionPrompt(props: { guard: CollisionGuard }) {
  let sendAnyway: HTMLButtonElement | undefined;
  let returnFocus: HTMLElement | null = null;
  createEffect(() => {
    if (props.guard.asking() === null) return;
    returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    sendAnyway?.focus();
  });
  function answer(send: boolean) {
    const back = returnFocus;
    returnFocus = null;
    props.guard.answer(send);
    back?.focus();
  }
  return (
    <Show when={props.guard.asking()}>
      {(name) => (
        <div
          class="collision-prompt"
          role="alertdialog"
          aria-labelledby="collision-question"
          onKeyDown={(e) => {
            if (e.key !== "Escape") return;
            e.preventDefault();
            answer(false);
          }}
        >
          <p id="collision-question">{name()} just replied. Send yours too?</p>
          <div class="collision-actions">
            <button ref={sendAnyway} type="button" class="button primary small" onClick={() => answer(true)}>
              Send anyway
            </button>
            <button type="button" class="button small" onClick={() => answer(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </Show>
  );
}
