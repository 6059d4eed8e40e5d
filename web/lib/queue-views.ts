/**
 * The "Needs attention" filter's rule on the screen, so a live event moves a row's marker without a reload.
 * The server's rule: a conversation needs attention while its latest patient reply with an appointmentReply
 * has an intent in NEEDS_ATTENTION_INTENTS, no staff text to the patient (out, reply or direct) came after it,
 * and it was not marked done after it. A row only knows its last activity time, so where an event cannot be
 * decided from that (a correction of an older reply), the answer is "ask": read the row from the server.
 */
import type { Conversation, LiveMessage } from "./queue-types";
import { NEEDS_ATTENTION_INTENTS, type AppointmentIntent } from "../../worker/shared/reminders";

/** A queue row; `needsAttention` is optional so a row from before the field existed reads as false. */
export type QueueRow = Conversation & { needsAttention?: boolean };

export function rowNeedsAttention(row: QueueRow): boolean {
  return row.needsAttention === true;
}

export function isAttentionIntent(intent: AppointmentIntent): boolean {
  return NEEDS_ATTENTION_INTENTS.some((i) => i === intent);
}

/** What an event does to a row's flag: set it, leave it (null), or "ask" the server. */
export type AttentionChange = boolean | "ask" | null;

/** A staff text to the patient answers the reply; reminders, campaigns and auto-replies do not. */
const STAFF_KINDS: readonly LiveMessage["kind"][] = ["reply", "direct"];

export function attentionAfterMessage(
  row: Pick<QueueRow, "needsAttention" | "lastMessageAt">,
  message: LiveMessage,
): AttentionChange {
  const current = row.needsAttention === true;
  const latest = message.createdAt >= row.lastMessageAt;
  if (message.direction === "out") {
    return latest && STAFF_KINDS.includes(message.kind) && current ? false : null;
  }
  if (message.direction !== "in") return null;
  const reply = message.appointmentReply;
  // Absent: a reply nobody read as answering a reminder (or a server from before the field).
  if (reply === undefined) return null;
  if (reply === null) {
    // Taken off the appointment ("Not about the appointment") or a plain reply: if the row was flagged, an
    // earlier reply may or may not still need attention, which only the server knows.
    return current ? "ask" : null;
  }
  const wanted = isAttentionIntent(reply.intent);
  if (latest) return wanted === current ? null : wanted;
  // An older reply re-read (a correction): it matters only if it is the latest one read, and no staff text or
  // Done came after it, which the row does not say. When it agrees with the flag, the flag stands either way.
  return wanted === current ? null : "ask";
}

/** Marking done answers the reply; reopening does not bring the flag back (the Done came after it). */
export function attentionAfterState(
  row: Pick<QueueRow, "needsAttention">,
  state: Conversation["state"],
): AttentionChange {
  return state === "done" && row.needsAttention === true ? false : null;
}
