/**
 * Whether the queue is live right now, over every clinic number's socket: the toolbar shows it, so the front
 * desk knows when a new text would not appear by itself (and a test knows when the socket is up).
 *
 * Its own small module: the shell reads it, the lazily loaded live connection writes it.
 */
import { createSignal } from "solid-js";
import type { LiveState } from "./live-socket";

export type QueueLiveness = "connecting" | "live" | "offline";

const [liveness, setLiveness] = createSignal<QueueLiveness>("connecting");
export { liveness };

/** Live only when every number's socket is; offline as soon as one is down. */
export function combineLiveness(states: readonly LiveState[]): QueueLiveness {
  if (states.some((s) => s === "offline")) return "offline";
  if (states.length === 0 || states.every((s) => s === "live")) return "live";
  return "connecting";
}

export function reportLiveness(states: readonly LiveState[]) {
  setLiveness(combineLiveness(states));
}

export const LIVENESS_LABEL: Record<QueueLiveness, string> = {
  connecting: "Connecting…",
  live: "Live",
  offline: "Reconnecting…",
};
