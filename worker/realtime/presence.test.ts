import { describe, it } from "vitest";
import { TYPING_THROTTLE_MS, TYPING_TTL_MS } from "../shared/team";
import { CLOSE, type ClientFrame, type PresenceFrame } from "../shared/live-protocol";
import { MAX_SOCKET_AGE_MS } from "./fan-out";
import {
  applyClientFrame,
  broadcastPresence,
  newPresence,
  NAME_MAX_LENGTH,
  presenceSnapshot,
  readPresence,
  receivePresence,
  type PresenceAttachment,
  type PresenceSocket,
} from "./presence";

const NOW = 1_800_000_000_000;
const viewing = (conversationId: number | null): ClientFrame => ({ v: 1, type: "viewing", conversationId });
const typing = (conversationId: number): ClientFrame => ({ v: 1, type: "typing", conversationId });

/** A socket stand-in with a real attachment slot, recording frames and closes. */
function socket(attachment: unknown, readyState = 1) {
  let stored = attachment;
  const sent: PresenceFrame[] = [];
  const closed: (number | undefined)[] = [];
  const ws: PresenceSocket = {
    readyState,
    deserializeAttachment: () => stored,
    serializeAttachment: (value) => {
      stored = value;
    },
    send: (frame) => {
      if (typeof frame === "string") sent.push(JSON.parse(frame) as PresenceFrame);
    },
    close: (code) => {
      closed.push(code);
    },
  };
  return { ws, sent, closed, attachment: () => stored as PresenceAttachment };
}

const sam = (over: Partial<PresenceAttachment> = {}): PresenceAttachment => ({
  ...newPresence(2, "Sam Staff", NOW),
  ...over,
});

describe("newPresence and readPresence", () => {
  it("caps and trims the name, and names a nameless user neutrally", ({ expect }) => {
    expect(newPresence(1, "  Sam Staff ", NOW).name).toBe("Sam Staff");
    expect(newPresence(1, "x".repeat(500), NOW).name).toHaveLength(NAME_MAX_LENGTH);
    expect(newPresence(1, "", NOW).name).toBe("A colleague");
  });

  it("reads an attachment from before presence as on the number with nothing open", ({ expect }) => {
    expect(readPresence(socket({ userId: 3, connectedAt: NOW }).ws)).toEqual({
      userId: 3,
      connectedAt: NOW,
      name: "A colleague",
      conversationId: null,
      lastTypingAt: null,
    });
    expect(readPresence(socket(null).ws)).toBeNull();
  });
});

describe("applyClientFrame", () => {
  const cases: {
    name: string;
    current: PresenceAttachment;
    frame: ClientFrame;
    at: number;
    changed: boolean;
    conversationId: number | null;
    lastTypingAt: number | null;
  }[] = [
    {
      name: "opening a conversation is a change",
      current: sam(),
      frame: viewing(7),
      at: NOW,
      changed: true,
      conversationId: 7,
      lastTypingAt: null,
    },
    {
      name: "the same conversation again is not",
      current: sam({ conversationId: 7 }),
      frame: viewing(7),
      at: NOW,
      changed: false,
      conversationId: 7,
      lastTypingAt: null,
    },
    {
      name: "closing it is, and ends typing",
      current: sam({ conversationId: 7, lastTypingAt: NOW - 100 }),
      frame: viewing(null),
      at: NOW,
      changed: true,
      conversationId: null,
      lastTypingAt: null,
    },
    {
      name: "a first keystroke turns typing on",
      current: sam({ conversationId: 7 }),
      frame: typing(7),
      at: NOW,
      changed: true,
      conversationId: 7,
      lastTypingAt: NOW,
    },
    {
      name: "another keystroke within the throttle is dropped",
      current: sam({ conversationId: 7, lastTypingAt: NOW - TYPING_THROTTLE_MS + 1 }),
      frame: typing(7),
      at: NOW,
      changed: false,
      conversationId: 7,
      lastTypingAt: NOW - TYPING_THROTTLE_MS + 1,
    },
    {
      name: "one exactly a throttle later renews typing",
      current: sam({ conversationId: 7, lastTypingAt: NOW - TYPING_THROTTLE_MS }),
      frame: typing(7),
      at: NOW,
      changed: true,
      conversationId: 7,
      lastTypingAt: NOW,
    },
    {
      name: "typing in another conversation moves there at once",
      current: sam({ conversationId: 7, lastTypingAt: NOW - 10 }),
      frame: typing(8),
      at: NOW,
      changed: true,
      conversationId: 8,
      lastTypingAt: NOW,
    },
  ];
  it.for(cases)("$name", (c, { expect }) => {
    const { next, changed } = applyClientFrame(c.current, c.frame, c.at);
    expect(changed).toBe(c.changed);
    expect(next).toEqual({ ...c.current, conversationId: c.conversationId, lastTypingAt: c.lastTypingAt });
  });
});

describe("presenceSnapshot", () => {
  it("says typing while the last keystroke is under TYPING_TTL_MS old, computed at send time", ({
    expect,
  }) => {
    const typist = sam({ conversationId: 7, lastTypingAt: NOW });
    const at = (t: number) => presenceSnapshot([typist], t).viewers[0]?.typing;
    expect(at(NOW)).toBe(true);
    expect(at(NOW + TYPING_TTL_MS - 1)).toBe(true);
    expect(at(NOW + TYPING_TTL_MS)).toBe(false);
  });

  it("lists one entry per socket, with nothing open as null", ({ expect }) => {
    const frame = presenceSnapshot(
      [sam({ conversationId: 7 }), sam(), { ...newPresence(1, "Avery Admin", NOW), conversationId: 7 }],
      NOW,
    );
    expect(frame).toEqual({
      v: 1,
      type: "presence",
      viewers: [
        { userId: 2, name: "Sam Staff", conversationId: 7, typing: false },
        { userId: 2, name: "Sam Staff", conversationId: null, typing: false },
        { userId: 1, name: "Avery Admin", conversationId: 7, typing: false },
      ],
    });
  });
});

describe("broadcastPresence", () => {
  it("sends every open socket the snapshot of the open ones, leaving out the one that is leaving", ({
    expect,
  }) => {
    const a = socket(sam({ conversationId: 7 }));
    const b = socket(newPresence(1, "Avery Admin", NOW));
    const leaving = socket(newPresence(3, "Lee Leaving", NOW));
    const closing = socket(newPresence(4, "Cal Closing", NOW), 2);
    expect(broadcastPresence([a.ws, b.ws, leaving.ws, closing.ws], NOW, leaving.ws)).toBe(2);
    const expected = [
      { userId: 2, name: "Sam Staff", conversationId: 7, typing: false },
      { userId: 1, name: "Avery Admin", conversationId: null, typing: false },
    ];
    expect(a.sent.map((f) => f.viewers)).toEqual([expected]);
    expect(b.sent.map((f) => f.viewers)).toEqual([expected]);
    expect(leaving.sent).toEqual([]);
    expect(closing.sent).toEqual([]);
  });

  it("closes a socket past its sign-in check instead of showing it or telling it", ({ expect }) => {
    const old = socket(sam({ connectedAt: NOW - MAX_SOCKET_AGE_MS - 1, conversationId: 7 }));
    const fresh = socket(newPresence(1, "Avery Admin", NOW));
    expect(broadcastPresence([old.ws, fresh.ws], NOW)).toBe(1);
    expect(old.closed).toEqual([CLOSE.reauthenticate]);
    expect(old.sent).toEqual([]);
    expect(fresh.sent[0]?.viewers.map((v) => v.userId)).toEqual([1]);
  });
});

describe("receivePresence", () => {
  it("stores the change in the attachment and tells everyone; a throttled keystroke tells no one", ({
    expect,
  }) => {
    const a = socket(sam());
    const b = socket(newPresence(1, "Avery Admin", NOW));
    const all = () => [a.ws, b.ws];
    expect(receivePresence(a.ws, viewing(7), all, NOW)).toBe(true);
    expect(a.attachment().conversationId).toBe(7);
    expect(receivePresence(a.ws, typing(7), all, NOW + 10)).toBe(true);
    expect(receivePresence(a.ws, typing(7), all, NOW + 20)).toBe(true);
    expect(b.sent.map((f) => f.viewers[0])).toEqual([
      { userId: 2, name: "Sam Staff", conversationId: 7, typing: false },
      { userId: 2, name: "Sam Staff", conversationId: 7, typing: true },
    ]);
    expect(a.sent).toHaveLength(2);
  });

  it("refuses a socket without an attachment", ({ expect }) => {
    const bare = socket(null);
    expect(receivePresence(bare.ws, viewing(7), () => [bare.ws], NOW)).toBe(false);
    expect(bare.sent).toEqual([]);
  });
});
