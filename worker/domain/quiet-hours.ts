/**
 * @module Quiet hours for campaign texts: pure time arithmetic, no I/O.
 *
 * Federal rule 47 CFR 64.1200(c)(1) forbids telephone solicitation before 8 a.m. or after 9 p.m. local time at
 * the called party's location (see notes/carriers.md §4c), so a campaign text outside the window is held until
 * the window next opens in the patient's zone. Reminders are transactional and staff replies conversational:
 * neither is held. Intl does the zone arithmetic, so a window opening on the morning after a daylight-saving
 * change is found at the right instant (a fixed UTC offset would be an hour off).
 */
import type { Organization } from "../db/schema";
import { TIME_OF_DAY } from "./after-hours";
import { localInstant, wallClock } from "./zoned-time";

export type QuietHours = { start: string; end: string };

export const DEFAULT_QUIET_HOURS: QuietHours = { start: "08:00", end: "21:00" };

const DAY_MS = 86_400_000;

function minutesOf(time: string): number {
  const [h = 0, m = 0] = time.split(":").map(Number);
  return h * 60 + m;
}

/** Whether a window is usable: both ends "HH:MM" and the start before the end (no overnight windows). */
export function isValidWindow(window: QuietHours): boolean {
  return (
    TIME_OF_DAY.test(window.start) &&
    TIME_OF_DAY.test(window.end) &&
    minutesOf(window.start) < minutesOf(window.end)
  );
}

/** Whether `at` falls inside the window on the wall clock of `timeZone`: `start <= local < end`. */
export function isInside(at: number, timeZone: string, window: QuietHours): boolean {
  const { minute } = wallClock(at, timeZone);
  return minute >= minutesOf(window.start) && minute < minutesOf(window.end);
}

/** `at` itself when inside the window, else the instant the window next opens in `timeZone`. */
export function nextOpening(at: number, timeZone: string, window: QuietHours): number {
  if (isInside(at, timeZone, window)) return at;
  const wall = wallClock(at, timeZone);
  const start = minutesOf(window.start);
  // Before the window: it opens later today. After it: tomorrow (a calendar day on, whatever its length).
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day) + (wall.minute < start ? 0 : DAY_MS));
  return localInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), start, timeZone);
}

/**
 * The earliest instant at or after `at` inside the window in every one of `timeZones` (a phone shared by
 * patients in several zones must be asleep in none of them, notes/carriers.md §4c). Null when no such instant
 * exists within a few days, e.g. zones twelve hours apart with a short window: the caller refuses the text.
 */
export function earliestSendTime(at: number, timeZones: string[], window: QuietHours): number | null {
  let t = at;
  for (let round = 0; round < 8; round++) {
    const moved = timeZones.reduce((latest, tz) => Math.max(latest, nextOpening(latest, tz, window)), t);
    if (timeZones.every((tz) => isInside(moved, tz, window))) return moved;
    t = moved === t ? t + 60_000 : moved;
  }
  return null;
}

/** What the quiet-hours rules read of a practice. */
export type QuietHoursSettings = Pick<Organization, "quietHoursStart" | "quietHoursEnd" | "timezone">;

/** The practice's campaign window, or the federal default if the stored one is unusable. */
export function quietHoursOf(org: QuietHoursSettings): QuietHours {
  const window = { start: org.quietHoursStart, end: org.quietHoursEnd };
  return isValidWindow(window) ? window : DEFAULT_QUIET_HOURS;
}

/**
 * When a campaign text to a phone may go out: the earliest instant at or after `now` inside quiet hours in
 * every time zone recorded for the practice's patients on that phone, or the practice's zone if none is.
 * Null when those zones never share a moment inside the window.
 */
export function campaignSendTime(
  org: QuietHoursSettings,
  zones: ReadonlySet<string> | undefined,
  now: number,
) {
  return earliestSendTime(now, zones && zones.size > 0 ? [...zones] : [org.timezone], quietHoursOf(org));
}

export type CampaignRetry =
  | { send: true }
  | { send: false; reason: "never"; message: string }
  | { send: false; reason: "later"; sendAfter: number; message: string };

/**
 * Whether staff may retry a failed campaign text now. Retrying a campaign text is sending one: outside quiet
 * hours in the patient's time zone(s) it is refused with the moment it may go (in the practice's zone), as
 * the v1 API would hold it. Reminders, replies and direct texts are not solicitation and are never held.
 */
export function campaignRetry(
  org: QuietHoursSettings,
  zones: ReadonlySet<string> | undefined,
  now: number,
): CampaignRetry {
  const sendAfter = campaignSendTime(org, zones, now);
  if (sendAfter === null) {
    return {
      send: false,
      reason: "never",
      message: "The patient's time zones never share a moment inside quiet hours.",
    };
  }
  if (sendAfter <= now) return { send: true };
  const window = quietHoursOf(org);
  const when = new Intl.DateTimeFormat("en-US", {
    month: "long",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone: org.timezone,
    timeZoneName: "short",
  }).format(sendAfter);
  return {
    send: false,
    reason: "later",
    sendAfter,
    message: `Campaign texts go out only between ${window.start} and ${window.end} in the patient's time zone. Retry on ${when}.`,
  };
}
