/**
 * @module The away reply's rules: when the clinic number's current closed period began and when it next
 * opens (from its office hours, on the wall clock of its time zone, DST-correct through zoned-time.ts), the
 * `{opensAt}` placeholder, and whether a patient's text outside office hours gets the away text. Pure, no I/O.
 */
import { WEEKDAYS, type OfficeHours } from "../db/schema";
import { MESSAGE_MAX_LENGTH, MESSAGE_MAX_LENGTH_TEXT } from "../shared/messages";
import { isOpen } from "./after-hours";
import { localInstant, wallClock } from "./zoned-time";

/** The one placeholder an away text may hold. */
export const OPENS_AT = "{opensAt}";
/** Office hours repeat weekly: a week and a day of look-around always finds a closing or opening, if any. */
const LOOK_DAYS = 8;

function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The civil date `days` after the one the clock shows at `at` in `timeZone`, with its weekday. */
function dayFrom(at: number, timeZone: string, days: number) {
  const today = wallClock(at, timeZone);
  const d = new Date(Date.UTC(today.year, today.month - 1, today.day + days));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: WEEKDAYS[d.getUTCDay()] ?? "sun",
  };
}

function hoursOn(hours: OfficeHours, at: number, timeZone: string, days: number) {
  const date = dayFrom(at, timeZone, days);
  return { ...date, hours: hours[date.weekday] ?? null };
}

/**
 * When the closed period `at` falls in began: the latest closing time at or before `at`. Null while the
 * number is open, and when it has no open day at all (it never closed, so every text is one period).
 */
export function closedPeriodStart(hours: OfficeHours, timeZone: string, at: number): number | null {
  if (isOpen(hours, timeZone, new Date(at))) return null;
  for (let back = 0; back <= LOOK_DAYS; back++) {
    const d = hoursOn(hours, at, timeZone, -back);
    if (!d.hours) continue;
    // "24:00" is 1,440 minutes: Date.UTC rolls it over to the next midnight.
    const close = localInstant(d.year, d.month, d.day, minutesOf(d.hours.close), timeZone);
    if (close <= at) return close;
  }
  return null;
}

/** The next opening time after `at`, or null when the number has no open day. */
export function nextOpening(hours: OfficeHours, timeZone: string, at: number): number | null {
  for (let ahead = 0; ahead <= LOOK_DAYS; ahead++) {
    const d = hoursOn(hours, at, timeZone, ahead);
    if (!d.hours) continue;
    const open = localInstant(d.year, d.month, d.day, minutesOf(d.hours.open), timeZone);
    if (open > at) return open;
  }
  return null;
}

/** "Mon 8:00 AM" on the number's wall clock. */
export function opensAtLabel(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    hour: "numeric",
    minute: "2-digit",
  }).format(at);
}

/** The text to send: `{opensAt}` filled ("when we open" if the number has no open day). */
export function fillAwayText(template: string, opensAt: string | null): string {
  return template.replaceAll(OPENS_AT, opensAt ?? "our next opening");
}

/** Why an admin's away text cannot be saved, or null. The longest possible filling is measured. */
export function awayTextProblem(template: string): string | null {
  if (template.trim() === "") return "awayMessage: is empty (send null to turn the away reply off)";
  const unknown = [...template.matchAll(/\{[^{}]*\}/g)].map((m) => m[0]).filter((p) => p !== OPENS_AT);
  if (unknown.length > 0) {
    return `awayMessage: unknown placeholder ${unknown[0] ?? ""}; only ${OPENS_AT} is allowed`;
  }
  // "Wed 12:00 PM" is the longest a label gets; "our next opening" is longer still.
  if (fillAwayText(template, "our next opening").length > MESSAGE_MAX_LENGTH) {
    return `awayMessage: too long once ${OPENS_AT} is filled (${MESSAGE_MAX_LENGTH_TEXT} characters at most)`;
  }
  return null;
}

export type AwaySettings = { officeHours: OfficeHours | null; timezone: string; awayMessage: string | null };

/**
 * Whether a patient's text at `now` gets the away reply, and what it says: the number has an away text and
 * office hours, is closed now, and this conversation's last away reply (`repliedAt`) was before the current
 * closed period began. `periodStart` is what the caller claims atomically (two texts can race). Keywords and
 * opt-outs are the caller's to rule out (they need the message and D1).
 */
export function awayReplyFor(
  settings: AwaySettings,
  repliedAt: number | null,
  now: number,
): { body: string; periodStart: number } | null {
  const { officeHours, timezone, awayMessage } = settings;
  if (!officeHours || !awayMessage || awayMessage.trim() === "") return null;
  if (isOpen(officeHours, timezone, new Date(now))) return null;
  // Never open: one away reply per conversation, ever.
  const periodStart = closedPeriodStart(officeHours, timezone, now) ?? 0;
  if (repliedAt !== null && repliedAt >= periodStart) return null;
  const opens = nextOpening(officeHours, timezone, now);
  return {
    body: fillAwayText(awayMessage, opens === null ? null : opensAtLabel(opens, timezone)),
    periodStart,
  };
}
