/**
 * @module Wall-clock arithmetic in an IANA time zone, through Intl: what the clock shows at an instant, and
 * which instant shows a given wall time. DST-correct, where a fixed UTC offset would be an hour off on the
 * days the clocks change. Pure, no I/O.
 */

export type Wall = { year: number; month: number; day: number; minute: number };

export function wallClock(at: number, timeZone: string): Wall {
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
export function localInstant(
  year: number,
  month: number,
  day: number,
  minute: number,
  timeZone: string,
): number {
  const guess = Date.UTC(year, month - 1, day, 0, minute);
  const first = guess - offsetAt(guess, timeZone);
  return guess - offsetAt(first, timeZone);
}

/** Epoch ms of local midnight starting `day` (YYYY-MM-DD) in `timeZone`. */
export function zonedMidnight(day: string, timeZone: string): number {
  const [y = 0, m = 1, d = 1] = day.split("-").map(Number);
  return localInstant(y, m, d, 0, timeZone);
}

/** The calendar day after `day` (YYYY-MM-DD). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
