import { describe, it } from "vitest";
import {
  campaignRetry,
  campaignSendTime,
  DEFAULT_QUIET_HOURS,
  earliestSendTime,
  isInside,
  nextOpening,
  quietHoursOf,
} from "./quiet-hours";

const at = (iso: string) => Date.parse(iso);
const CHICAGO = "America/Chicago";

describe("nextOpening (08:00-21:00)", () => {
  const cases: [string, string, string, string][] = [
    ["inside the window sends now", "2026-06-10T15:00:00Z", CHICAGO, "2026-06-10T15:00:00Z"],
    ["20:59 local is still inside", "2026-06-11T01:59:00Z", CHICAGO, "2026-06-11T01:59:00Z"],
    ["21:00 local waits for 08:00 tomorrow", "2026-06-11T02:00:00Z", CHICAGO, "2026-06-11T13:00:00Z"],
    ["07:59 local waits a minute", "2026-06-10T12:59:00Z", CHICAGO, "2026-06-10T13:00:00Z"],
    // Spring forward, Sunday 2026-03-08 02:00 CST -> 03:00 CDT: Saturday 22:00 CST waits for 08:00 CDT (13:00Z).
    ["spring forward overnight", "2026-03-08T04:00:00Z", CHICAGO, "2026-03-08T13:00:00Z"],
    // 08:30 CDT on the change day is inside; a fixed -06:00 offset would call it 07:30 and hold it.
    ["morning after spring forward", "2026-03-08T13:30:00Z", CHICAGO, "2026-03-08T13:30:00Z"],
    // Fall back, Sunday 2026-11-01 02:00 CDT -> 01:00 CST: Saturday 23:00 CDT waits for 08:00 CST (14:00Z).
    ["fall back overnight", "2026-11-01T04:00:00Z", CHICAGO, "2026-11-01T14:00:00Z"],
    [
      "07:30 CST after fall back waits until 08:00 CST",
      "2026-11-01T13:30:00Z",
      CHICAGO,
      "2026-11-01T14:00:00Z",
    ],
    ["a zone with a 45-minute offset", "2026-01-01T16:00:00Z", "Asia/Kathmandu", "2026-01-02T02:15:00Z"],
    ["year end rolls to the next year", "2026-12-31T23:30:00Z", "Europe/London", "2027-01-01T08:00:00Z"],
  ];
  for (const [name, now, tz, expected] of cases) {
    it(name, ({ expect }) => {
      expect(new Date(nextOpening(at(now), tz, DEFAULT_QUIET_HOURS)).toISOString()).toBe(
        new Date(at(expected)).toISOString(),
      );
    });
  }
});

describe("earliestSendTime across zones", () => {
  it("waits until the window is open in every zone of a shared phone", ({ expect }) => {
    // 07:30 in New York (11:30Z) is 04:30 in Los Angeles: both are open from 08:00 Pacific (15:00Z).
    const t = earliestSendTime(at("2026-06-10T11:30:00Z"), ["America/New_York", "America/Los_Angeles"], {
      start: "08:00",
      end: "21:00",
    });
    expect(t).toBe(at("2026-06-10T15:00:00Z"));
    expect(isInside(t ?? 0, "America/New_York", DEFAULT_QUIET_HOURS)).toBe(true);
  });

  it("gives up when the windows never overlap", ({ expect }) => {
    const t = earliestSendTime(at("2026-06-10T11:30:00Z"), ["Pacific/Auckland", "Europe/London"], {
      start: "09:00",
      end: "12:00",
    });
    expect(t).toBeNull();
  });
});

const practice = { quietHoursStart: "08:00", quietHoursEnd: "21:00", timezone: CHICAGO };

describe("quietHoursOf", () => {
  const cases: [
    string,
    { quietHoursStart: string; quietHoursEnd: string },
    { start: string; end: string },
  ][] = [
    [
      "the practice's own window",
      { quietHoursStart: "09:00", quietHoursEnd: "20:00" },
      { start: "09:00", end: "20:00" },
    ],
    [
      "an overnight window falls back to the federal one",
      { quietHoursStart: "21:00", quietHoursEnd: "08:00" },
      DEFAULT_QUIET_HOURS,
    ],
    ["a malformed one too", { quietHoursStart: "8am", quietHoursEnd: "21:00" }, DEFAULT_QUIET_HOURS],
  ];
  for (const [name, window, expected] of cases) {
    it(name, ({ expect }) => {
      expect(quietHoursOf({ ...window, timezone: CHICAGO })).toEqual(expected);
    });
  }
});

describe("campaignSendTime", () => {
  it("uses the practice's zone when no patient zone is recorded", ({ expect }) => {
    // 06:00 in Chicago: waits for 08:00 there.
    expect(campaignSendTime(practice, undefined, at("2026-06-10T11:00:00Z"))).toBe(
      at("2026-06-10T13:00:00Z"),
    );
    expect(campaignSendTime(practice, new Set(), at("2026-06-10T11:00:00Z"))).toBe(
      at("2026-06-10T13:00:00Z"),
    );
  });

  it("uses the patients' zones when recorded", ({ expect }) => {
    // 06:00 in Chicago is 08:00 in New York: inside there, so now.
    const now = at("2026-06-10T12:00:00Z");
    expect(campaignSendTime(practice, new Set(["America/New_York"]), now)).toBe(now);
  });
});

describe("campaignRetry", () => {
  it("lets a retry inside the window go now", ({ expect }) => {
    expect(campaignRetry(practice, undefined, at("2026-06-10T15:00:00Z"))).toEqual({ send: true });
  });

  it("refuses one outside it with the moment it may go, in the practice's zone", ({ expect }) => {
    expect(campaignRetry(practice, undefined, at("2026-06-11T03:00:00Z"))).toEqual({
      send: false,
      reason: "later",
      sendAfter: at("2026-06-11T13:00:00Z"),
      message:
        "Campaign texts go out only between 08:00 and 21:00 in the patient's time zone. Retry on June 11 at 8:00 AM CDT.",
    });
  });

  it("refuses for good when the patient's zones never share a moment in the window", ({ expect }) => {
    const narrow = { quietHoursStart: "09:00", quietHoursEnd: "12:00", timezone: CHICAGO };
    expect(
      campaignRetry(narrow, new Set(["Pacific/Auckland", "Europe/London"]), at("2026-06-10T11:30:00Z")),
    ).toEqual({
      send: false,
      reason: "never",
      message: "The patient's time zones never share a moment inside quiet hours.",
    });
  });
});
