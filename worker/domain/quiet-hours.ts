/**
 * @module Quiet hours for campaign texts: pure time arithmetic, no I/O.
 *
 * Federal rule 47 CFR 64.1200(c)(1) forbids telephone solicitation before 8 a.m. or after 9 p.m. local time at
 * the called party's location (see notes/carriers.md §4c), so a campaign text outside the window is held until
 * the window next opens in the patient's zone. Reminders are transactional and staff replies conversational:
 * neither is held. Intl does the zone arithmetic, so a window opening on the morning after a daylight-saving
 * change is found at the right instant (a fixed UTC offset would be an hour off).
 */
import { TIME_OF_DAY } from "./after-hours";

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

type Wall = { year: number; month: number; day: number; minute: number };

function wallClock(at: number, timeZone: string): Wall {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    minute: get("hour") * 60 + get("minute"),
  };
}

/** Milliseconds the zone's wall clock is ahead of UTC at `at`. */
function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const seconds = new Date(at).getUTCSeconds() * 1000 + new Date(at).getUTCMilliseconds();
  return Date.UTC(w.year, w.month - 1, w.day, 0, w.minute) + seconds - at;
}

/** The instant the wall clock in `timeZone` shows `minute` on the given date (two passes settle DST). */
function instantOf(year: number, month: number, day: number, minute: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, 0, minute);
  const first = guess - offsetAt(guess, timeZone);
  return guess - offsetAt(first, timeZone);
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
  return instantOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), start, timeZone);
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
