import { describe, it } from "vitest";
import { canAdvance } from "./status";

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
