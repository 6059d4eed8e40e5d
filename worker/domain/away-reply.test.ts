import { describe, expect, test } from "vitest";
import type { OfficeHours } from "../db/schema";
import {
  awayReplyFor,
  awayTextProblem,
  closedPeriodStart,
  fillAwayText,
  nextOpening,
  opensAtLabel,
} from "./away-reply";

const CHICAGO = "America/Chicago";
const weekdays = { open: "08:00", close: "17:00" };
const HOURS: OfficeHours = { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays };
const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

describe("the current closed period and the next opening (Chicago, Mon–Fri 08:00–17:00)", () => {
  test.each([
    // 2026-12-01 is a Tuesday; CST is UTC-6.
    ["Tuesday 15:30, open", utc(2026, 12, 1, 21, 30), null, utc(2026, 12, 2, 14)],
    ["Tuesday 18:00, after closing", utc(2026, 12, 2, 0), utc(2026, 12, 1, 23), utc(2026, 12, 2, 14)],
    ["Wednesday 07:00, before opening", utc(2026, 12, 2, 13), utc(2026, 12, 1, 23), utc(2026, 12, 2, 14)],
    ["Tuesday 17:00 exactly, just closed", utc(2026, 12, 1, 23), utc(2026, 12, 1, 23), utc(2026, 12, 2, 14)],
    ["Saturday 10:00, weekend", utc(2026, 12, 5, 16), utc(2026, 12, 4, 23), utc(2026, 12, 7, 14)],
    ["Sunday 23:00, same weekend", utc(2026, 12, 7, 5), utc(2026, 12, 4, 23), utc(2026, 12, 7, 14)],
    // Spring forward on Sunday 2027-03-14: Friday closes in CST (UTC-6), Monday opens in CDT (UTC-5).
    ["weekend across spring forward", utc(2027, 3, 13, 18), utc(2027, 3, 12, 23), utc(2027, 3, 15, 13)],
    // Fall back on Sunday 2026-11-01: Friday closes in CDT, Monday opens in CST.
    ["weekend across fall back", utc(2026, 10, 31, 17), utc(2026, 10, 30, 22), utc(2026, 11, 2, 14)],
  ] as const)("%s", (_name, at, start, opens) => {
    expect(closedPeriodStart(HOURS, CHICAGO, at)).toBe(start);
    expect(nextOpening(HOURS, CHICAGO, at)).toBe(opens);
  });

  test("a day open until midnight (24:00) closes at the next midnight", () => {
    const late: OfficeHours = { fri: { open: "08:00", close: "24:00" } };
    // Saturday 2026-12-05 01:00 CST.
    expect(closedPeriodStart(late, CHICAGO, utc(2026, 12, 5, 7))).toBe(utc(2026, 12, 5, 6));
  });

  test("a number with no open day has no closing and no opening", () => {
    expect(closedPeriodStart({}, CHICAGO, utc(2026, 12, 5, 16))).toBeNull();
    expect(nextOpening({}, CHICAGO, utc(2026, 12, 5, 16))).toBeNull();
  });

  test("the opening reads like the wall clock", () => {
    expect(opensAtLabel(utc(2027, 3, 15, 13), CHICAGO)).toBe("Mon 8:00 AM");
  });
});

describe("the away reply", () => {
  const settings = {
    officeHours: HOURS,
    timezone: CHICAGO,
    awayMessage: "We are closed; we open at {opensAt}.",
  };
  const saturday = utc(2026, 12, 5, 16);
  const fridayClose = utc(2026, 12, 4, 23);

  test.each([
    ["never replied", null, "We are closed; we open at Mon 8:00 AM."],
    ["replied in an earlier closed period", fridayClose - 1, "We are closed; we open at Mon 8:00 AM."],
    ["already replied this closed period", fridayClose + 60_000, null],
  ] as const)("%s", (_name, repliedAt, body) => {
    expect(awayReplyFor(settings, repliedAt, saturday)?.body ?? null).toBe(body);
  });

  test("the claim is the start of the closed period", () => {
    expect(awayReplyFor(settings, null, saturday)?.periodStart).toBe(fridayClose);
  });

  test.each([
    ["open hours", settings, utc(2026, 12, 1, 21, 30)],
    ["no away text", { ...settings, awayMessage: null }, saturday],
    ["no office hours", { ...settings, officeHours: null }, saturday],
  ] as const)("none during %s", (_name, s, at) => {
    expect(awayReplyFor(s, null, at)).toBeNull();
  });

  test("no open day: once per conversation", () => {
    const closed = { ...settings, officeHours: {} };
    expect(awayReplyFor(closed, null, saturday)?.body).toBe("We are closed; we open at our next opening.");
    expect(awayReplyFor(closed, saturday - 86_400_000, saturday)).toBeNull();
  });
});

describe("saving an away text", () => {
  test.each([
    ["Closed now. We open at {opensAt}.", null],
    ["No placeholder is fine.", null],
    ["Hi {patient.firstName}, closed.", /unknown placeholder \{patient\.firstName\}/],
    ["   ", /is empty/],
    ["x".repeat(1590) + "{opensAt}", /too long once \{opensAt\} is filled/],
    ["x".repeat(1584) + "{opensAt}", null],
  ] as const)("%j", (template, problem) => {
    const found = awayTextProblem(template);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });

  test("filling replaces every {opensAt}", () => {
    expect(fillAwayText("{opensAt} / {opensAt}", "Mon 8:00 AM")).toBe("Mon 8:00 AM / Mon 8:00 AM");
  });
});
