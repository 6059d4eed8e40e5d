import type { MessageStatus } from "./messages";

/**
 * Carriers send status callbacks as independent requests that arrive out of order and duplicated
 * (Twilio: twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks; Telnyx: "out-of-order,
 * simultaneous and duplicate"). A status may only replace one of lower rank, so a late `sent` never
 * overwrites `delivered`. The three terminal states share a rank: whichever arrives first stays, and its
 * error code and reason with it.
 */
const RANK: Record<MessageStatus, number> = {
  received: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  cancelled: 4,
  recorded: 0,
};

export function statusRank(status: MessageStatus): number {
  return RANK[status];
}

/** Whether an outbound message in `from` may move to `to`. */
export function canAdvance(from: MessageStatus, to: MessageStatus): boolean {
  if (from === "received" || to === "received" || from === "recorded" || to === "recorded") return false;
  return RANK[to] > RANK[from];
}

/** The outbound statuses a message may be in for `to` to replace it: used in the UPDATE's WHERE. */
export function statusesBelow(to: MessageStatus): MessageStatus[] {
  return (Object.keys(RANK) as MessageStatus[]).filter((s) => canAdvance(s, to));
}

export function isTerminal(status: MessageStatus): boolean {
  return RANK[status] === 4;
}
