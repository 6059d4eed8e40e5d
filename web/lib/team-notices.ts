/**
 * @module The assignee's toasts from `conversation` live events, on every page (the live connection runs
 * app-wide): someone else assigned me a conversation, or a snooze of one assigned to me ended. No PHI in
 * the words: a shared front-desk screen is not private.
 */
import { showNotice } from "./notifications";
import type { LiveEvent } from "./queue-types";

export const ASSIGNED_TITLE = "Conversation assigned to you.";
export const ASSIGNED_TEXT = "A colleague assigned you a conversation.";
export const SNOOZE_TITLE = "A snoozed conversation is back.";
export const SNOOZE_TEXT = "Its snooze ended; it is open again.";

/** A reconnect's catch-up may replay an event the socket already delivered: toast each cursor once. */
const seen = new Set<number>();

export function announceTeamChange(event: LiveEvent, me: number | null) {
  if (event.type !== "conversation" || me === null || event.assignedUserId !== me) return;
  if (seen.has(event.cursor)) return;
  const assigned = event.change === "assigned" && event.changedBy !== me;
  const woke = event.change === "snooze_ended";
  if (!assigned && !woke) return;
  seen.add(event.cursor);
  if (assigned) showNotice(event.numberId, event.conversationId, ASSIGNED_TITLE, ASSIGNED_TEXT);
  else showNotice(event.numberId, event.conversationId, SNOOZE_TITLE, SNOOZE_TEXT);
}
