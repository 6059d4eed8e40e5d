/**
 * @module What Snooze's and Send later's presets mean as instants: "1 hour", "tomorrow at opening", "next
 * Monday at opening". Opening is the clinic number's opening time that day from its office hours, or 08:00
 * when it has none or is closed that day, on the wall clock of the number's time zone (the zone its office
 * hours are kept in, which is the practice's unless the admin set another). Pure, no I/O.
 */
import { WEEKDAYS, type OfficeHours } from "../db/schema";
import type { TimePreset } from "../shared/team";
import { localInstant, wallClock } from "./zoned-time";

const HOUR_MS = 3_600_000;
const DEFAULT_OPENING = "08:00";

export type PresetContext = { now: number; timeZone: string; officeHours: OfficeHours | null };

function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The civil date `days` after the given one, with its weekday (0 = Sunday). */
function addDays(year: number, month: number, day: number, days: number) {
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}

/** The instant the number opens on the civil date `days` after today's (its hours that weekday, else 08:00). */
function openingOn(ctx: PresetContext, days: number): number {
  const today = wallClock(ctx.now, ctx.timeZone);
  const date = addDays(today.year, today.month, today.day, days);
  const hours = ctx.officeHours?.[WEEKDAYS[date.weekday] ?? "sun"];
  return localInstant(
    date.year,
    date.month,
    date.day,
    minutesOf(hours?.open ?? DEFAULT_OPENING),
    ctx.timeZone,
  );
}

export function resolvePreset(preset: TimePreset, ctx: PresetContext): number {
  switch (preset) {
    case "1h":
      return ctx.now + HOUR_MS;
    case "tomorrow":
      return openingOn(ctx, 1);
    case "monday": {
      const today = wallClock(ctx.now, ctx.timeZone);
      const weekday = addDays(today.year, today.month, today.day, 0).weekday;
      // Strictly after today: on a Monday, "next Monday" is a week away.
      const days = (1 - weekday + 7) % 7 || 7;
      return openingOn(ctx, days);
    }
  }
}
