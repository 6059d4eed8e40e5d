import { describe, it } from "vitest";
import type { OfficeHours } from "../db/schema";
import { isOpen, shouldAlert } from "./after-hours";

const weekdays: OfficeHours = {
  mon: { open: "08:00", close: "17:00" },
  tue: { open: "08:00", close: "17:00" },
  wed: { open: "08:00", close: "17:00" },
  thu: { open: "08:00", close: "17:00" },
  fri: { open: "08:00", close: "17:00" },
  sat: { open: "09:00", close: "12:00" },
};
const TZ = "America/Chicago";

describe("office hours across the daylight-saving change", () => {
  // US DST ended Sunday 2026-11-01 02:00 CDT: Chicago is UTC-5 on Friday Oct 30 and UTC-6 on Monday Nov 2.
  it.for<[string, string, boolean]>([
    ["Fri 07:59 CDT", "2026-10-30T12:59:00Z", false],
    ["Fri 08:00 CDT", "2026-10-30T13:00:00Z", true],
    ["Fri 16:59 CDT", "2026-10-30T21:59:00Z", true],
    ["Fri 17:00 CDT", "2026-10-30T22:00:00Z", false],
    ["Sat 11:30 CDT", "2026-10-31T16:30:00Z", true],
    ["Sun 10:00 CST", "2026-11-01T16:00:00Z", false],
    // 13:30 UTC is 08:30 in CDT but 07:30 in CST: a fixed offset would call the practice open.
    ["Mon 07:30 CST", "2026-11-02T13:30:00Z", false],
    ["Mon 08:00 CST", "2026-11-02T14:00:00Z", true],
    ["Mon 16:59 CST", "2026-11-02T22:59:00Z", true],
    ["Mon 17:00 CST", "2026-11-02T23:00:00Z", false],
    // Spring forward, Sunday 2026-03-08: Monday 08:00 CDT is 13:00 UTC.
    ["Mon 08:00 CDT after spring", "2026-03-09T13:00:00Z", true],
    ["Mon 07:00 CDT after spring", "2026-03-09T12:00:00Z", false],
  ])("%s", ([, iso, open], { expect }) => {
    expect(isOpen(weekdays, TZ, new Date(iso))).toBe(open);
  });
});

describe("shouldAlert", () => {
  const base = {
    officeHours: weekdays,
    alertPhones: ["+15550009000"],
    timezone: TZ,
    afterHoursQuietMinutes: 15,
  };
  const sunday = Date.parse("2026-11-01T16:00:00Z");
  it("alerts after hours, then stays quiet for the quiet period", ({ expect }) => {
    expect(shouldAlert({ ...base, lastAfterHoursAlertAt: null }, sunday)).toBe(true);
    expect(shouldAlert({ ...base, lastAfterHoursAlertAt: sunday - 14 * 60_000 }, sunday)).toBe(false);
    expect(shouldAlert({ ...base, lastAfterHoursAlertAt: sunday - 15 * 60_000 }, sunday)).toBe(true);
  });
  it("never alerts in office hours, without hours, or without phones", ({ expect }) => {
    const monday = Date.parse("2026-11-02T15:00:00Z");
    expect(shouldAlert({ ...base, lastAfterHoursAlertAt: null }, monday)).toBe(false);
    expect(shouldAlert({ ...base, officeHours: null, lastAfterHoursAlertAt: null }, sunday)).toBe(false);
    expect(shouldAlert({ ...base, alertPhones: [], lastAfterHoursAlertAt: null }, sunday)).toBe(false);
  });
});
