/**
 * @module The date range of an admin's history export: pure rules, no I/O (routes/exports.ts applies them).
 *
 * Days are the practice's local days and `to` is inclusive, so the range runs from local midnight starting
 * `from` to the local midnight after `to`. A range of local days may be an hour longer than that many times
 * 24 hours (it contains an autumn clock change), so the length check allows one hour of slack.
 */
import { nextDay, zonedMidnight } from "./zoned-time";

/** The longest date range an admin may export at once, in days. */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;
const DST_SLACK_MS = 3_600_000;

export type ExportRange = { ok: true; from: number; to: number } | { ok: false; message: string };

export function exportRange(from: string, to: string, timeZone: string): ExportRange {
  if (to < from) return { ok: false, message: "to: must be on or after from" };
  const start = zonedMidnight(from, timeZone);
  const end = zonedMidnight(nextDay(to), timeZone);
  if (end - start > MAX_RANGE_DAYS * DAY_MS + DST_SLACK_MS) {
    return { ok: false, message: `to: a range may cover at most ${MAX_RANGE_DAYS} days` };
  }
  return { ok: true, from: start, to: end };
}
