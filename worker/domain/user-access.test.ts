import { describe, it } from "vitest";
import { accessEffects, locksSelfOut, type UserEdit } from "./user-access";

describe("accessEffects", () => {
  const cases: [string, UserEdit, { signOut: boolean; closeLiveFeeds: boolean }][] = [
    ["a new name changes nothing", {}, { signOut: false, closeLiveFeeds: false }],
    [
      "a new password signs out",
      { password: "a new long password" },
      { signOut: true, closeLiveFeeds: true },
    ],
    ["disabling signs out", { active: false }, { signOut: true, closeLiveFeeds: true }],
    ["enabling does not", { active: true }, { signOut: false, closeLiveFeeds: false }],
    ["a role change ends live feeds only", { role: "staff" }, { signOut: false, closeLiveFeeds: true }],
    ["new grants end live feeds only", { numberIds: [1, 2] }, { signOut: false, closeLiveFeeds: true }],
    ["even an empty grant list", { numberIds: [] }, { signOut: false, closeLiveFeeds: true }],
  ];
  for (const [name, edit, expected] of cases) {
    it(name, ({ expect }) => {
      expect(accessEffects(edit)).toEqual(expected);
    });
  }
});

describe("locksSelfOut", () => {
  const cases: [string, number, UserEdit, boolean][] = [
    ["disabling yourself", 1, { active: false }, true],
    ["demoting yourself", 1, { role: "staff" }, true],
    ["renaming yourself", 1, {}, false],
    ["keeping your admin role", 1, { role: "admin", active: true }, false],
    ["disabling someone else", 2, { active: false }, false],
    ["demoting someone else", 2, { role: "staff" }, false],
  ];
  for (const [name, target, edit, expected] of cases) {
    it(name, ({ expect }) => {
      expect(locksSelfOut(1, target, edit)).toBe(expected);
    });
  }
});
