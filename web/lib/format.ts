/**
 * Display helpers. Phones are formatted by the Worker's own rule (worker/shared/phone.ts `formatPhone`); the
 * API already sends patient phones formatted (`phoneDisplay`).
 */

const dateOnly = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" });
const dateTime = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });

/** "1980-03-04" as "Mar 4, 1980". Read as UTC so the day never shifts with the viewer's zone. */
export function formatDob(iso: string | null | undefined): string {
  if (!iso) return "";
  const time = Date.parse(`${iso}T00:00:00Z`);
  return Number.isNaN(time) ? iso : dateOnly.format(time);
}

export function formatDateTime(ms: number): string {
  return dateTime.format(ms);
}

/** Every IANA zone this browser knows, for the time zone pickers. */
export function timeZones(): string[] {
  return Intl.supportedValuesOf("timeZone");
}
