import { describe, it } from "vitest";
import { findMentions, mentionedUserIds } from "./mentions";

const SAM = { id: 1, name: "Sam Staff" };
const AVERY = { id: 2, name: "Avery Admin" };
const SAMANTHA = { id: 3, name: "Samantha Jones" };
const SAM_OTHER = { id: 4, name: "Sam Other" };
const PEOPLE = [SAM, AVERY, SAMANTHA];

describe("mentionedUserIds", () => {
  it.for([
    ["@Sam Staff please call back", PEOPLE, [1]],
    ["@Sam please call back", PEOPLE, [1]],
    ["@sam, please call back", PEOPLE, [1]],
    ["Ask @Sam's opinion", PEOPLE, [1]],
    ["@Samantha knows", PEOPLE, [3]],
    ["@Samantha Jones and @Avery", PEOPLE, [3, 2]],
    ["@Sam  Staff (two spaces)", PEOPLE, [1]],
    ["(@Avery)", PEOPLE, [2]],
    // No mention: inside an email address, a name that is a prefix of a longer word, nobody by that name.
    ["write to sam@example.com", PEOPLE, []],
    ["@Samuel called", PEOPLE, []],
    ["@Jordan called", PEOPLE, []],
    ["a lone @ sign", PEOPLE, []],
    // Two Sams: "@Sam" could be either, so it mentions neither; the full name is unambiguous.
    ["@Sam call back", [SAM, SAM_OTHER], []],
    ["@Sam Other call back", [SAM, SAM_OTHER], [4]],
    // Mentioned twice: one mention.
    ["@Sam and again @Sam Staff", PEOPLE, [1]],
    ["@Zoë look", [{ id: 9, name: "Zoë Ng" }], [9]],
  ] as const)("%j", ([body, people, expected], { expect }) => {
    expect(mentionedUserIds(body, people)).toEqual(expected);
  });

  it("never mentions the author", ({ expect }) => {
    expect(mentionedUserIds("@Sam and @Avery", PEOPLE, 1)).toEqual([2]);
  });
});

describe("findMentions", () => {
  it("gives where each mention is, for highlighting", ({ expect }) => {
    const body = "Hi @Sam Staff, see @avery.";
    expect(findMentions(body, PEOPLE).map((m) => body.slice(m.start, m.end))).toEqual([
      "@Sam Staff",
      "@avery",
    ]);
  });
});
