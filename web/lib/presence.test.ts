import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClientFrame, PresenceEntry } from "../../worker/shared/live-protocol";
import { TYPING_THROTTLE_MS, TYPING_TTL_MS } from "../../worker/shared/team";
import {
  connectPresence,
  initials,
  listNames,
  othersTyping,
  othersViewing,
  receivePresence,
  resetPresence,
  setViewing,
  typed,
} from "./presence";

const ME = 1;
const NUMBER = 10;
const entry = (
  userId: number,
  name: string,
  conversationId: number | null,
  typing = false,
): PresenceEntry => ({
  userId,
  name,
  conversationId,
  typing,
});
const snapshot = (...viewers: PresenceEntry[]) => ({ v: 1, type: "presence", viewers }) as const;
const names = (people: { name: string }[]) => people.map((p) => p.name);

beforeEach(() => {
  vi.useFakeTimers();
  resetPresence();
});
afterEach(() => {
  resetPresence();
  vi.useRealTimers();
});

describe("who else is viewing and typing", () => {
  it("lists colleagues with the conversation open, once per user, never me", () => {
    receivePresence(
      NUMBER,
      snapshot(
        entry(ME, "Avery Admin", 5),
        entry(2, "Sam Staff", 5),
        entry(2, "Sam Staff", 5),
        entry(3, "Casey Clerk", 5),
        entry(4, "Dana Desk", 6),
        entry(5, "Eli Elsewhere", null),
      ),
    );
    expect(names(othersViewing(NUMBER, 5, ME))).toEqual(["Casey Clerk", "Sam Staff"]);
    expect(names(othersViewing(NUMBER, 6, ME))).toEqual(["Dana Desk"]);
    expect(othersViewing(NUMBER + 1, 5, ME)).toEqual([]);
  });

  it("drops typing TYPING_TTL_MS after the snapshot unless a fresh one says it again", async () => {
    receivePresence(NUMBER, snapshot(entry(2, "Sam Staff", 5, true), entry(ME, "Avery Admin", 5, true)));
    expect(names(othersTyping(NUMBER, 5, ME))).toEqual(["Sam Staff"]);
    await vi.advanceTimersByTimeAsync(TYPING_TTL_MS - 1);
    expect(names(othersTyping(NUMBER, 5, ME))).toEqual(["Sam Staff"]);
    // A fresh keystroke frame renews it for another TYPING_TTL_MS from its arrival.
    receivePresence(NUMBER, snapshot(entry(2, "Sam Staff", 5, true)));
    await vi.advanceTimersByTimeAsync(TYPING_TTL_MS - 1);
    expect(names(othersTyping(NUMBER, 5, ME))).toEqual(["Sam Staff"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(othersTyping(NUMBER, 5, ME)).toEqual([]);
    // Still viewing: only the typing went.
    expect(names(othersViewing(NUMBER, 5, ME))).toEqual(["Sam Staff"]);
  });

  it("a later snapshot restarts the typing time, and one saying not typing ends it at once", async () => {
    receivePresence(NUMBER, snapshot(entry(2, "Sam Staff", 5, true)));
    await vi.advanceTimersByTimeAsync(2000);
    receivePresence(NUMBER, snapshot(entry(2, "Sam Staff", 5, true), entry(3, "Casey Clerk", 5, true)));
    await vi.advanceTimersByTimeAsync(TYPING_TTL_MS);
    expect(othersTyping(NUMBER, 5, ME)).toEqual([]);
    receivePresence(NUMBER, snapshot(entry(2, "Sam Staff", 5, true), entry(3, "Casey Clerk", 5, false)));
    expect(names(othersTyping(NUMBER, 5, ME))).toEqual(["Sam Staff"]);
  });

  it("forgets a number when its socket goes", () => {
    const stop = connectPresence(NUMBER, () => true);
    receivePresence(NUMBER, snapshot(entry(2, "Sam Staff", 5)));
    stop();
    expect(othersViewing(NUMBER, 5, ME)).toEqual([]);
  });
});

describe("this screen's own presence", () => {
  function sender() {
    const sent: ClientFrame[] = [];
    return { sent, send: (frame: ClientFrame) => (sent.push(frame), true) };
  }

  it("tells the number what is open, and the number it left that nothing is", () => {
    const main = sender();
    const west = sender();
    setViewing({ numberId: NUMBER, conversationId: 5 });
    // Registered after the thread opened: told at once.
    connectPresence(NUMBER, main.send);
    connectPresence(NUMBER + 1, west.send);
    expect(main.sent).toEqual([{ v: 1, type: "viewing", conversationId: 5 }]);
    setViewing({ numberId: NUMBER, conversationId: 5 });
    setViewing({ numberId: NUMBER + 1, conversationId: 9 });
    setViewing(null);
    expect(main.sent).toEqual([
      { v: 1, type: "viewing", conversationId: 5 },
      { v: 1, type: "viewing", conversationId: null },
    ]);
    expect(west.sent).toEqual([
      { v: 1, type: "viewing", conversationId: 9 },
      { v: 1, type: "viewing", conversationId: null },
    ]);
  });

  it("sends at most one typing frame per TYPING_THROTTLE_MS, and retries after an offline one", () => {
    const main = sender();
    let online = false;
    connectPresence(NUMBER, (frame) => online && main.send(frame));
    typed(NUMBER, 5, 0);
    online = true;
    typed(NUMBER, 5, 10);
    typed(NUMBER, 5, 10 + TYPING_THROTTLE_MS - 1);
    typed(NUMBER, 5, 10 + TYPING_THROTTLE_MS);
    typed(NUMBER, 6, 10 + TYPING_THROTTLE_MS + 1);
    expect(main.sent).toEqual([
      { v: 1, type: "typing", conversationId: 5 },
      { v: 1, type: "typing", conversationId: 5 },
      { v: 1, type: "typing", conversationId: 6 },
    ]);
  });
});

describe("labels", () => {
  it.for<[string, string]>([
    ["Sam Staff", "SS"],
    ["Cher", "C"],
    ["  ana  maría  lópez ", "AL"],
    ["😀 Smile", "😀S"],
    ["", "?"],
  ])("initials of %j are %j", ([name, expected]) => {
    expect(initials(name)).toBe(expected);
  });

  it("lists names as a sentence", () => {
    const p = (...n: string[]) => n.map((name, userId) => ({ userId, name }));
    expect(listNames(p("Sam Staff"))).toBe("Sam Staff");
    expect(listNames(p("Sam Staff", "Avery Admin"))).toBe("Sam Staff and Avery Admin");
    expect(listNames(p("A", "B", "C"))).toBe("A, B and C");
  });
});
