import { describe, expect, test } from "vitest";
import { resolvePreset } from "./time-presets";

const CHICAGO = "America/Chicago";
// Tuesday 2026-12-01 15:30 in Chicago (CST, UTC-6).
const TUESDAY_AFTERNOON = Date.UTC(2026, 11, 1, 21, 30);
const hours = {
  mon: { open: "07:30", close: "17:00" },
  tue: { open: "09:00", close: "17:00" },
  wed: { open: "10:15", close: "17:00" },
};

describe("snooze and send-later presets", () => {
  test.each([
    ["1h", null, Date.UTC(2026, 11, 1, 22, 30)],
    // Wednesday's opening from its office hours.
    ["tomorrow", hours, Date.UTC(2026, 11, 2, 16, 15)],
    // No office hours: 08:00.
    ["tomorrow", null, Date.UTC(2026, 11, 2, 14, 0)],
    ["monday", hours, Date.UTC(2026, 11, 7, 13, 30)],
    ["monday", null, Date.UTC(2026, 11, 7, 14, 0)],
  ] as const)("%s with hours %j", (preset, officeHours, expected) => {
    expect(resolvePreset(preset, { now: TUESDAY_AFTERNOON, timeZone: CHICAGO, officeHours })).toBe(expected);
  });

  test("a day the number is closed opens at 08:00", () => {
    // Saturday 2026-12-05 10:00 Chicago; Sunday has no hours.
    const saturday = Date.UTC(2026, 11, 5, 16, 0);
    expect(resolvePreset("tomorrow", { now: saturday, timeZone: CHICAGO, officeHours: hours })).toBe(
      Date.UTC(2026, 11, 6, 14, 0),
    );
  });

  test("on a Monday, next Monday is a week away", () => {
    const monday = Date.UTC(2026, 11, 7, 15, 0);
    expect(resolvePreset("monday", { now: monday, timeZone: CHICAGO, officeHours: hours })).toBe(
      Date.UTC(2026, 11, 14, 13, 30),
    );
  });

  test("across the spring clock change, opening stays 08:00 on the wall", () => {
    // Saturday 2027-03-13 12:00 CST; Sunday the 14th is CDT (UTC-5).
    const before = Date.UTC(2027, 2, 13, 18, 0);
    expect(resolvePreset("tomorrow", { now: before, timeZone: CHICAGO, officeHours: null })).toBe(
      Date.UTC(2027, 2, 14, 13, 0),
    );
  });
});
