import { describe, it } from "vitest";
import { LIKE_PATTERN_MAX_BYTES, MAX_SEARCH_WORDS, matchesSearch, parseSearch } from "./search";

describe("parseSearch", () => {
  it.for([
    ["", { kind: "all" }],
    ["   ", { kind: "all" }],
    ["7779", { kind: "digits", digits: "7779" }],
    ["(555) 000-1111", { kind: "digits", digits: "5550001111" }],
    ["+1 555.000.1111", { kind: "digits", digits: "15550001111" }],
    // Punctuation without a digit is not a phone: "+" and "-" are words, which start no name.
    ["+", { kind: "names", words: ["+"] }],
    ["-", { kind: "names", words: ["-"] }],
    ["( )", { kind: "names", words: ["(", ")"] }],
    ["1234567890123456", { kind: "none" }],
    ["Maria  alv", { kind: "names", words: ["Maria", "alv"] }],
    ['"maria"', { kind: "names", words: ['"maria"'] }],
    ["o'brien", { kind: "names", words: ["o'brien"] }],
    ["maria maria", { kind: "names", words: ["maria"] }],
    ["555 maria", { kind: "names", words: ["555", "maria"] }],
    ["Zoë", { kind: "names", words: ["Zoë"] }],
  ] as const)("%j", ([query, expected], { expect }) => {
    expect(parseSearch(query)).toEqual(expected);
  });

  // The pattern is the escaped word plus "%": 1 byte for "%" and for ASCII, 2 for "é" or an escaped "%"/"_",
  // 4 for an emoji; the cut keeps whole characters while the pattern fits in LIKE_PATTERN_MAX_BYTES (50).
  it.for([
    ["a".repeat(80), "a".repeat(49)],
    ["é".repeat(40), "é".repeat(24)],
    ["%".repeat(40), "%".repeat(24)],
    ["\u{1F600}".repeat(20), "\u{1F600}".repeat(12)],
    ["_a".repeat(30), "_a".repeat(16)],
    ["a".repeat(49), "a".repeat(49)],
  ] as const)("cuts a long word to fit D1's LIKE pattern limit (%#)", ([word, cut], { expect }) => {
    expect(LIKE_PATTERN_MAX_BYTES).toBe(50);
    expect(parseSearch(word)).toEqual({ kind: "names", words: [cut] });
  });

  it("keeps at most MAX_SEARCH_WORDS words, so the name query stays under D1's 100 bound parameters", ({
    expect,
  }) => {
    const query = Array.from({ length: 50 }, (_, i) =>
      String.fromCharCode(97 + (i % 26)).repeat(1 + (i >> 5)),
    );
    const search = parseSearch(query.join(" "));
    expect(search.kind === "names" && search.words.length).toBe(MAX_SEARCH_WORDS);
  });
});

describe("matchesSearch", () => {
  const row = {
    phone: "+15550002222",
    patients: [
      { firstName: "Maria", lastName: "Alvarez" },
      { firstName: "Élodie", lastName: "Smith-Jones" },
    ],
  };
  it.for([
    ["", true],
    ["0002", true],
    ["(555) 000-2222", true],
    ["7779", false],
    ["+", false],
    ["-", false],
    ["+ -", false],
    ["maria", true],
    ["MARIA ALV", true],
    ["alv maria", true],
    // Every word must start a name of the same patient.
    ["maria smith", false],
    ['"maria"', false],
    ["smith-j", true],
    ["jones", false],
    // SQLite's LIKE folds ASCII only: "é" does not find "É", as on the server.
    ["Élo", true],
    ["élo", false],
    ["1234567890123456", false],
  ] as const)("%j: %s", ([query, expected], { expect }) => {
    expect(matchesSearch(row, parseSearch(query))).toBe(expected);
  });

  it("matches no row without patients by name", ({ expect }) => {
    expect(matchesSearch({ phone: "+15550002222", patients: [] }, parseSearch("maria"))).toBe(false);
  });
});
