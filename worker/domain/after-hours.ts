import { WEEKDAYS, type OfficeHours, type Weekday } from "../db/schema";

/** "HH:MM", 24-hour clock. "24:00" is allowed as a closing time meaning midnight. */
export const TIME_OF_DAY = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * The weekday and minute of the day on the wall clock in `timezone`. Intl does the zone arithmetic, so the
 * answer is right on both sides of a daylight-saving change (a fixed UTC offset would be an hour off for
 * half the year).
 */
export function localTime(at: Date, timezone: string): { day: Weekday; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const day = get("weekday").slice(0, 3).toLowerCase();
  const found = WEEKDAYS.find((d) => d === day);
  if (!found) throw new Error(`unexpected weekday ${day}`);
  return { day: found, minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

/** True while the practice is open: `open <= now < close` on today's hours. A missing day is closed. */
export function isOpen(hours: OfficeHours, timezone: string, at: Date): boolean {
  const { day, minute } = localTime(at, timezone);
  const today = hours[day];
  if (!today) return false;
  return minute >= minutesOf(today.open) && minute < minutesOf(today.close);
}

export type AlertSettings = {
  officeHours: OfficeHours | null;
  alertPhones: string[];
  timezone: string;
  afterHoursQuietMinutes: number;
  lastAfterHoursAlertAt: number | null;
};

/**
 * Whether an inbound text at `now` should alert the on-call phones: office hours are configured, the practice
 * is closed, someone is listening, and the last alert is older than the quiet period (one alert per burst,
 * not one per text). The caller still claims the slot atomically in D1, since two texts can race.
 */
export function shouldAlert(settings: AlertSettings, now: number): boolean {
  if (!settings.officeHours || settings.alertPhones.length === 0) return false;
  if (isOpen(settings.officeHours, settings.timezone, new Date(now))) return false;
  const last = settings.lastAfterHoursAlertAt;
  return last === null || now - last >= settings.afterHoursQuietMinutes * 60_000;
}

/** The alert text: deliberately no patient name, phone or message (HIPAA minimum necessary). */
export function alertText(practiceName: string): string {
  return `New text for ${practiceName}. Sign in to read it.`;
}
