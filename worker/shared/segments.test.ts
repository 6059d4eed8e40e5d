import { describe, it } from "vitest";
import { measureDraft, measureText } from "./segments";

describe("segments as the carrier bills them", () => {
  it.for([
    ["", 0, 0, "GSM-7"],
    [" ", 1, 1, "GSM-7"],
    ["a".repeat(160), 160, 1, "GSM-7"],
    ["a".repeat(161), 161, 2, "GSM-7"],
    // A GSM-7 extension character takes two septets, and the calculator counts both: 80 euro signs fill one segment.
    ["€".repeat(80), 160, 1, "GSM-7"],
    ["€".repeat(81), 162, 2, "GSM-7"],
    ["It\u2019s".padEnd(70, "a"), 70, 1, "UCS-2"],
    ["It\u2019s".padEnd(71, "a"), 71, 2, "UCS-2"],
    ["\u{1F600}".repeat(36), 36, 2, "UCS-2"],
    ["Hola, ¿cómo está?", 17, 1, "UCS-2"],
  ] as const)("%j: %i characters, %i segments, %s", ([body, characters, segments, encoding], { expect }) => {
    expect(measureDraft(body)).toMatchObject({ characters, segments, encoding });
    expect(measureText(body)).toEqual({ segments, encoding });
  });

  it("names each character that forced UCS-2 once, and none for GSM-7", ({ expect }) => {
    expect(measureDraft("It\u2019s Maria\u2019s \u{1F600}").nonGsm).toEqual(["\u2019", "\u{1F600}"]);
    expect(measureDraft("It's fine").nonGsm).toEqual([]);
    expect(measureDraft("").nonGsm).toEqual([]);
  });
});
