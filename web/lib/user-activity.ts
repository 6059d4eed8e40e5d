/**
 * When the person at the screen last did something (a key, a click, a touch, a scroll). The idle sign-out is
 * about people, not about the app: live updates, unread counts and catch-up keep requesting on their own, and
 * must not keep an unattended front-desk screen signed in.
 */
import { BACKGROUND_HEADER } from "../../worker/shared/headers";

let lastInput = Date.now();

if (typeof document !== "undefined") {
  const mark = () => {
    lastInput = Date.now();
  };
  for (const type of ["keydown", "pointerdown", "wheel", "touchstart"] as const) {
    document.addEventListener(type, mark, { capture: true, passive: true });
  }
}

/** Requests made this long after the last input count as the app's own, not the user's. */
export const ACTIVE_WINDOW_MS = 60_000;

export function msSinceInput(now = Date.now()) {
  return now - lastInput;
}

/** Headers that tell the server a request was not caused by the user, so it does not extend the session. */
export function backgroundHeaders(): Record<string, string> {
  return msSinceInput() > ACTIVE_WINDOW_MS ? { [BACKGROUND_HEADER]: "1" } : {};
}
