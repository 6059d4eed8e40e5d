/** Display helpers. The API already formats patient phones (`phoneDisplay`); these cover the rest. */

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

/** North American E.164 as (555) 123-0001; anything else as stored. */
export function formatE164(e164: string): string {
  const match = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return match ? `(${match[1]}) ${match[2]}-${match[3]}` : e164;
}

/** Every IANA zone this browser knows, for the time zone pickers. */
export function timeZones(): string[] {
  return Intl.supportedValuesOf("timeZone");
}
