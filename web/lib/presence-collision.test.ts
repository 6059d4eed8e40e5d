import { createRoot, createSignal } from "solid-js";
import { describe, expect, it } from "vitest";
import { COLLISION_WINDOW_MS } from "../../worker/shared/team";
import { collidingName, createCollisionGuard, type ThreadMessage } from "./presence-collision";

const ME = 1;
const NOW = 1_800_000_000_000;
const reply = (id: number, authorUserId: number | null, authorName: string | null = "Sam Staff") =>
  ({ id, direction: "out", authorUserId, authorName }) satisfies ThreadMessage;

describe("collidingName", () => {
  const base = {
    me: ME,
    now: NOW,
    typing: [] as string[],
    messages: [] as ThreadMessage[],
    seen: new Set<number>(),
    arrivedAt: new Map<number, number>(),
  };
  const cases: { name: string; input: Partial<typeof base>; asks: string | null }[] = [
    { name: "nothing going on sends at once", input: {}, asks: null },
    { name: "a colleague typing asks", input: { typing: ["Casey Clerk"] }, asks: "Casey Clerk" },
    {
      name: "a colleague's unseen reply inside the window asks",
      input: { messages: [reply(7, 2)], arrivedAt: new Map([[7, NOW - COLLISION_WINDOW_MS]]) },
      asks: "Sam Staff",
    },
    {
      name: "one just outside the window does not",
      input: { messages: [reply(7, 2)], arrivedAt: new Map([[7, NOW - COLLISION_WINDOW_MS - 1]]) },
      asks: null,
    },
    {
      name: "one already in the thread when I started does not",
      input: { messages: [reply(7, 2)], seen: new Set([7]), arrivedAt: new Map([[7, NOW]]) },
      asks: null,
    },
    {
      name: "my own reply (another tab) does not",
      input: { messages: [reply(7, ME)], arrivedAt: new Map([[7, NOW]]) },
      asks: null,
    },
    {
      name: "a text with no author (practice system, away reply) does not",
      input: { messages: [reply(7, null, null)], arrivedAt: new Map([[7, NOW]]) },
      asks: null,
    },
    {
      name: "a colleague's note does not",
      input: {
        messages: [{ ...reply(7, 2), direction: "internal" }],
        arrivedAt: new Map([[7, NOW]]),
      },
      asks: null,
    },
    {
      name: "a patient's text does not",
      input: { messages: [{ ...reply(7, null, null), direction: "in" }], arrivedAt: new Map([[7, NOW]]) },
      asks: null,
    },
    {
      name: "the latest of two unseen replies names its author",
      input: {
        messages: [reply(7, 2), reply(8, 3, "Casey Clerk")],
        arrivedAt: new Map([
          [7, NOW],
          [8, NOW],
        ]),
      },
      asks: "Casey Clerk",
    },
  ];
  it.for(cases)("$name", ({ input, asks }) => {
    expect(collidingName({ ...base, ...input })).toBe(asks);
  });
});

describe("createCollisionGuard", () => {
  function setup() {
    return createRoot((dispose) => {
      const [messages, setMessages] = createSignal<ThreadMessage[]>([reply(1, 2)]);
      const [loaded, setLoaded] = createSignal(false);
      let now = NOW;
      const guard = createCollisionGuard({
        me: () => ME,
        conversationId: () => 42,
        loaded,
        messages,
        typing: () => [],
        now: () => now,
      });
      return {
        guard,
        dispose,
        load: () => setLoaded(true),
        arrive: (m: ThreadMessage) => setMessages((list) => [...list, m]),
        later: (ms: number) => (now += ms),
      };
    });
  }

  it("asks about a reply that came after the draft began; Send anyway sends, and it is seen after", async () => {
    const t = setup();
    t.load();
    t.guard.markSeen();
    t.arrive(reply(2, 2));
    const held = t.guard.check();
    expect(t.guard.asking()).toBe("Sam Staff");
    // A second Send while the question is open does not send twice.
    expect(await t.guard.check()).toBe(false);
    t.guard.answer(true);
    expect(await held).toBe(true);
    expect(t.guard.asking()).toBeNull();
    expect(await t.guard.check()).toBe(true);
    t.dispose();
  });

  it("Cancel holds the send", async () => {
    const t = setup();
    t.load();
    t.arrive(reply(2, 2));
    const held = t.guard.check();
    t.guard.answer(false);
    expect(await held).toBe(false);
    t.dispose();
  });

  it("does not ask about what came with the thread's load, nor about a reply older than the window", async () => {
    const t = setup();
    t.load();
    expect(await t.guard.check()).toBe(true);
    t.arrive(reply(3, 2));
    t.later(COLLISION_WINDOW_MS + 1);
    expect(await t.guard.check()).toBe(true);
    t.dispose();
  });
});
