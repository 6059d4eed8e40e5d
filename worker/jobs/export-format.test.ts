import { it } from "vitest";
import { zonedMidnight } from "../domain/zoned-time";
import { csvCell, zonedClock } from "./export-format";

it("dates, times and midnights follow the zone's DST, and cells are quoted and neutralised", ({ expect }) => {
  const chicago = zonedClock("America/Chicago");
  // 2026-03-08 is the US spring-forward day: 07:59:59Z is 01:59:59 CST, 08:00:00Z is 03:00:00 CDT.
  expect(chicago(Date.parse("2026-03-08T07:59:59Z"))).toEqual({ date: "2026-03-08", time: "01:59:59" });
  expect(chicago(Date.parse("2026-03-08T08:00:00Z"))).toEqual({ date: "2026-03-08", time: "03:00:00" });
  expect(zonedClock("Asia/Kathmandu")(Date.parse("2026-01-01T00:00:00Z"))).toEqual({
    date: "2026-01-01",
    time: "05:45:00",
  });
  expect(zonedMidnight("2026-03-08", "America/Chicago")).toBe(Date.parse("2026-03-08T06:00:00Z"));
  expect(zonedMidnight("2026-03-09", "America/Chicago")).toBe(Date.parse("2026-03-09T05:00:00Z"));
  expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
  expect(csvCell("=1+1")).toBe("'=1+1");
  expect(csvCell("-\n2")).toBe('"\'-\n2"');
});
