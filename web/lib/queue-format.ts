/** How the queue names people and times. Times are shown in the practice's time zone, not the PC's. */
import type { Conversation, LiveMessage, OptOutChange } from "./queue-types";

/** Every patient on the phone (a family may share one), else the number formatted for humans. */
export function conversationName(c: Pick<Conversation, "patients" | "phoneDisplay">): string {
  if (c.patients.length === 0) return c.phoneDisplay;
  return c.patients.map((p) => `${p.firstName} ${p.lastName}`).join(", ");
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, options: Intl.DateTimeFormatOptions) {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

const dayOf = (ms: number, timeZone: string) =>
  formatter(timeZone, { year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);

/** The list's time: "10:42 AM" today, "Mon 3:05 PM" this week, "Mar 4" before. */
export function listTime(ms: number, timeZone: string, now = Date.now()): string {
  if (dayOf(ms, timeZone) === dayOf(now, timeZone)) {
    return formatter(timeZone, { hour: "numeric", minute: "2-digit" }).format(ms);
  }
  if (now - ms < 6 * 86_400_000) {
    return formatter(timeZone, { weekday: "short", hour: "numeric", minute: "2-digit" }).format(ms);
  }
  return formatter(timeZone, { month: "short", day: "numeric" }).format(ms);
}

/** A message's time: "Mar 4, 10:42 AM". */
export function messageTime(ms: number, timeZone: string): string {
  return formatter(timeZone, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" }).format(
    ms,
  );
}

/** The opt-out banner's date: "March 4, 2026". */
export function longDate(ms: number, timeZone: string): string {
  return formatter(timeZone, { dateStyle: "long" }).format(ms);
}

const KIND_LABEL: Partial<Record<LiveMessage["kind"], string>> = {
  reminder: "Reminder",
  campaign: "Campaign",
  auto_reply: "Auto-reply",
  alert: "Alert",
  event: "",
};

/** Who sent it: the staff member, the automated kind, or the patient side of the conversation. */
export function senderLabel(message: LiveMessage, patientName: string): string {
  if (message.direction === "in") return patientName;
  return KIND_LABEL[message.kind] ?? message.authorName ?? "Clinic";
}

export function statusLabel(message: LiveMessage): string | null {
  if (message.direction === "in") return null;
  switch (message.status) {
    case "queued":
    case "sending":
      return "Sending…";
    case "sent":
      return "Sent";
    case "delivered":
      return "Delivered";
    case "undelivered":
      return "Not delivered";
    case "failed":
      return "Failed";
    case "cancelled":
      return "Cancelled";
    case "received":
    case "recorded":
      return null;
  }
}

/**
 * How an opt-out change reads in the thread. Keywords are stored normalised (lower case); carriers that
 * reported the block themselves are stored as "carrier:<code>".
 */
export function optOutNote(change: Pick<OptOutChange, "optedOut" | "keyword">): string {
  const carrier = /^carrier:(.+)$/.exec(change.keyword);
  if (carrier) return `The carrier reports this phone opted out (error ${carrier[1] ?? "unknown"})`;
  // "review:cancel": staff decided that a text which may have been an opt-out was one.
  if (change.keyword.startsWith("review:")) return "Opted out of texts by a staff decision on this text";
  const how = /\s/.test(change.keyword) ? `"${change.keyword}"` : change.keyword.toUpperCase();
  return change.optedOut ? `Opted out of texts by texting ${how}` : `Opted back in by texting ${how}`;
}
