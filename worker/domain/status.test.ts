import { describe, it } from "vitest";
import { canAdvance } from "./status";
import { measureText } from "./segments";

describe("status only moves forward", () => {
  it.for([
    ["queued", "sent", true],
    ["sent", "delivered", true],
    ["delivered", "sent", false],
    ["delivered", "undelivered", false],
    ["failed", "delivered", false],
    ["sending", "failed", true],
    ["sent", "sent", false],
    ["received", "sent", false],
  ] as const)("%s -> %s: %s", ([from, to, ok], { expect }) => {
    expect(canAdvance(from, to)).toBe(ok);
  });
});

describe("segments", () => {
  it.for([
    ["a".repeat(160), 1, "GSM-7"],
    ["a".repeat(161), 2, "GSM-7"],
    ["It\u2019s".padEnd(70, "a"), 1, "UCS-2"],
    ["It\u2019s".padEnd(71, "a"), 2, "UCS-2"],
    ["\u{1F600}".repeat(36), 2, "UCS-2"],
  ] as const)("%#", ([body, segments, encoding], { expect }) => {
    expect(measureText(body)).toEqual({ segments, encoding });
  });
});
