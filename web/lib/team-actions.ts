/**
 * @module The thread header's team actions over the API: assign, open / done / snooze, and who may be
 * assigned. The answer's row is applied at once to the thread and the list; the live event that follows
 * (to every screen) says the same, and applying both is harmless.
 */
import { api, call } from "./api";
import { applyRow } from "./queue-store";
import { setThreadConversation } from "./thread-store";
import type { Conversation } from "./queue-types";
import type { TimePreset } from "../../worker/shared/team";

export type StateChange =
  { state: "open" | "done" } | { state: "snoozed"; preset: TimePreset } | { state: "snoozed"; until: number };

function applied(conversation: Conversation) {
  setThreadConversation(conversation);
  applyRow(conversation);
}

export async function changeState(conversationId: number, json: StateChange) {
  const { conversation } = await call(
    api.api.conversations[":id"].state.$post({ param: { id: String(conversationId) }, json }),
  );
  applied(conversation);
}

export async function assignTo(conversationId: number, userId: number | null) {
  const { conversation } = await call(
    api.api.conversations[":id"].assignee.$put({ param: { id: String(conversationId) }, json: { userId } }),
  );
  applied(conversation);
}

export async function loadAssignees(conversationId: number) {
  const { users } = await call(
    api.api.conversations[":id"].assignees.$get({ param: { id: String(conversationId) } }),
  );
  return users;
}
