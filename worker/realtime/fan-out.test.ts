import { describe, it } from "vitest";
import { fanOut, MAX_SOCKET_AGE_MS, type Attachment, type HubSocket } from "./fan-out";
import { CLOSE, type LiveEvent } from "../shared/live-protocol";

const NOW = 1_800_000_000_000;
const event: LiveEvent = { type: "read_state", cursor: 7, numberId: 1, conversationId: 2, unread: true };

/** A socket stand-in that records what was sent to it and how it was closed. */
function socket(opts: { readyState?: number; attachment?: Attachment | null; sendThrows?: boolean }) {
  const sent: string[] = [];
  const closed: [number | undefined, string | undefined][] = [];
  const ws: HubSocket = {
    readyState: opts.readyState ?? 1,
    deserializeAttachment: () =>
      opts.attachment === undefined ? { userId: 1, connectedAt: NOW } : opts.attachment,
    send: (frame) => {
      if (opts.sendThrows) throw new Error("socket gone");
      sent.push(typeof frame === "string" ? frame : "(binary)");
    },
    close: (code, reason) => {
      closed.push([code, reason]);
    },
  };
  return { ws, sent, closed };
}

describe("fanOut", () => {
  const cases: {
    name: string;
    socket: Parameters<typeof socket>[0];
    reached: number;
    frames: number;
    closedWith: number | null;
  }[] = [
    { name: "an open, fresh socket gets the frame", socket: {}, reached: 1, frames: 1, closedWith: null },
    {
      name: "a socket connected exactly MAX_SOCKET_AGE_MS ago still gets it",
      socket: { attachment: { userId: 1, connectedAt: NOW - MAX_SOCKET_AGE_MS } },
      reached: 1,
      frames: 1,
      closedWith: null,
    },
    {
      name: "an older socket is closed for a sign-in check instead",
      socket: { attachment: { userId: 1, connectedAt: NOW - MAX_SOCKET_AGE_MS - 1 } },
      reached: 0,
      frames: 0,
      closedWith: CLOSE.reauthenticate,
    },
    {
      name: "a socket without an attachment is closed for a sign-in check",
      socket: { attachment: null },
      reached: 0,
      frames: 0,
      closedWith: CLOSE.reauthenticate,
    },
    {
      name: "a closing socket is skipped",
      socket: { readyState: 2 },
      reached: 0,
      frames: 0,
      closedWith: null,
    },
    {
      name: "a send that throws is not counted",
      socket: { sendThrows: true },
      reached: 0,
      frames: 0,
      closedWith: null,
    },
  ];
  for (const c of cases) {
    it(c.name, ({ expect }) => {
      const s = socket(c.socket);
      expect(fanOut([s.ws], event, NOW)).toBe(c.reached);
      expect(s.sent.length).toBe(c.frames);
      expect(s.closed.map(([code]) => code)).toEqual(c.closedWith === null ? [] : [c.closedWith]);
    });
  }

  it("sends the versioned event frame, and counts every socket it reached", ({ expect }) => {
    const sockets = [socket({}), socket({}), socket({ readyState: 3 })];
    expect(
      fanOut(
        sockets.map((s) => s.ws),
        event,
        NOW,
      ),
    ).toBe(2);
    expect(JSON.parse(sockets[0]?.sent[0] ?? "null")).toEqual({ v: 1, type: "event", event });
  });
});
