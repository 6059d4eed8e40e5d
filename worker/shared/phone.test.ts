import { describe, it } from "vitest";
import { formatPhone, toE164 } from "./phone";

describe("toE164", () => {
  it.for<[string, string]>([
    ["(555) 000-1111", "+15550001111"],
    ["555.000.1111", "+15550001111"],
    ["1 555 000 1111", "+15550001111"],
    ["+1 (555) 000-1111", "+15550001111"],
    ["  5550001111  ", "+15550001111"],
    ["(312) 555-0123", "+13125550123"],
    ["+44 20 7946 0958", "+442079460958"],
    ["tel:+1-555-000-1111", "+15550001111"],
  ])("normalises %j to %s", ([input, expected], { expect }) => {
    expect(toE164(input)).toBe(expected);
  });

  it.for(["", "12345", "call me", "+1 999 999 9999", "555-00", "+1 (555) 000-11111", "😀"])(
    "refuses %j",
    (input, { expect }) => {
      expect(toE164(input)).toBeNull();
    },
  );
});

describe("formatPhone", () => {
  it("shows North American numbers nationally and others internationally", ({ expect }) => {
    expect(formatPhone("+15550001111")).toBe("(555) 000-1111");
    expect(formatPhone("+442079460958")).toBe("+44 20 7946 0958");
  });
});
