import { describe, it } from "vitest";
import { exportRange, MAX_RANGE_DAYS } from "./export-range";

const at = (iso: string) => Date.parse(iso);
const CHICAGO = "America/Chicago";

describe("exportRange", () => {
  const cases: [string, string, string, string, ReturnType<typeof exportRange>][] = [
    [
      "one local day, to inclusive",
      "2026-06-10",
      "2026-06-10",
      CHICAGO,
      { ok: true, from: at("2026-06-10T05:00:00Z"), to: at("2026-06-11T05:00:00Z") },
    ],
    [
      "a day with the spring clock change is 23 hours long",
      "2026-03-08",
      "2026-03-08",
      CHICAGO,
      { ok: true, from: at("2026-03-08T06:00:00Z"), to: at("2026-03-09T05:00:00Z") },
    ],
    [
      "a day with the autumn clock change is 25 hours long",
      "2026-11-01",
      "2026-11-01",
      CHICAGO,
      { ok: true, from: at("2026-11-01T05:00:00Z"), to: at("2026-11-02T06:00:00Z") },
    ],
    [
      "366 local days spanning the autumn change fit, thanks to the hour of slack",
      "2026-03-09",
      "2027-03-09",
      CHICAGO,
      { ok: true, from: at("2026-03-09T05:00:00Z"), to: at("2027-03-10T06:00:00Z") },
    ],
    [
      "367 days do not",
      "2026-01-01",
      "2027-01-02",
      "UTC",
      { ok: false, message: `to: a range may cover at most ${MAX_RANGE_DAYS} days` },
    ],
    [
      "to before from",
      "2026-06-10",
      "2026-06-09",
      CHICAGO,
      { ok: false, message: "to: must be on or after from" },
    ],
  ];
  for (const [name, from, to, tz, expected] of cases) {
    it(name, ({ expect }) => {
      expect(exportRange(from, to, tz)).toEqual(expected);
    });
  }
});
