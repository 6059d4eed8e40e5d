import { describe, it } from "vitest";
import {
  CLIENT_FRAME_MAX_LENGTH,
  PONG,
  parseClientFrame,
  parseServerFrame,
  type ClientFrame,
  type LiveEvent,
  type PresenceFrame,
  type ServerFrame,
} from "./live-protocol";

const readState = {
  type: "read_state",
  cursor: 7,
  numberId: 1,
  conversationId: 3,
  unread: false,
} satisfies LiveEvent;
const frame = (event: unknown) => JSON.stringify({ v: 1, type: "event", event });

describe("parseServerFrame", () => {
  it("reads an event frame as the server builds it, and the runtime's pong", ({ expect }) => {
    const sent = { v: 1, type: "event", event: readState } satisfies ServerFrame;
    expect(parseServerFrame(JSON.stringify(sent))).toEqual(sent);
    expect(parseServerFrame(PONG)).toEqual({ type: "pong" });
  });

  it("reads a presence frame, empty or with entries", ({ expect }) => {
    const presence = {
      v: 1,
      type: "presence",
      viewers: [
        { userId: 2, name: "Sam Staff", conversationId: 3, typing: true },
        { userId: 1, name: "Avery Admin", conversationId: null, typing: false },
      ],
    } satisfies PresenceFrame;
    expect(parseServerFrame(JSON.stringify(presence))).toEqual(presence);
    expect(parseServerFrame(JSON.stringify({ v: 1, type: "presence", viewers: [] }))).toEqual({
      v: 1,
      type: "presence",
      viewers: [],
    });
  });

  it.for<[string, unknown]>([
    ["not a string", new ArrayBuffer(4)],
    ["empty text", ""],
    ["not JSON", "{"],
    ["JSON null", "null"],
    ["a bare event", JSON.stringify(readState)],
    ["another version", JSON.stringify({ v: 2, type: "event", event: readState })],
    ["another frame type", JSON.stringify({ v: 1, type: "hello", event: readState })],
    ["no event", JSON.stringify({ v: 1, type: "event" })],
    ["an unknown event type", frame({ ...readState, type: "typing" })],
    ["a string cursor", frame({ ...readState, cursor: "7" })],
    ["no clinic number", frame({ ...readState, numberId: undefined })],
    ["PONG in other case", "PONG"],
    ["presence without viewers", JSON.stringify({ v: 1, type: "presence" })],
    ["presence with a bad entry", JSON.stringify({ v: 1, type: "presence", viewers: [{ userId: 1 }] })],
    [
      "presence with a string typing",
      JSON.stringify({
        v: 1,
        type: "presence",
        viewers: [{ userId: 1, name: "Sam", conversationId: 3, typing: "yes" }],
      }),
    ],
  ])("refuses %s", ([, data], { expect }) => {
    expect(parseServerFrame(data)).toBeNull();
  });
});

describe("parseClientFrame", () => {
  it.for<ClientFrame>([
    { v: 1, type: "viewing", conversationId: 12 },
    { v: 1, type: "viewing", conversationId: null },
    { v: 1, type: "typing", conversationId: 12 },
  ])("reads $type $conversationId", (sent, { expect }) => {
    expect(parseClientFrame(JSON.stringify(sent))).toEqual(sent);
  });

  it("keeps only the protocol's fields", ({ expect }) => {
    const extra = JSON.stringify({
      v: 1,
      type: "viewing",
      conversationId: 4,
      name: "Someone Else",
      userId: 9,
    });
    expect(parseClientFrame(extra)).toEqual({ v: 1, type: "viewing", conversationId: 4 });
  });

  it.for<[string, unknown]>([
    ["not a string", new ArrayBuffer(4)],
    ["the keep-alive ping", "ping"],
    ["not JSON", "{"],
    ["JSON null", "null"],
    ["another version", JSON.stringify({ v: 2, type: "viewing", conversationId: 1 })],
    ["an unknown type", JSON.stringify({ v: 1, type: "hello", conversationId: 1 })],
    ["a server frame", JSON.stringify({ v: 1, type: "presence", viewers: [] })],
    ["typing nowhere", JSON.stringify({ v: 1, type: "typing", conversationId: null })],
    ["a string id", JSON.stringify({ v: 1, type: "viewing", conversationId: "1" })],
    ["a zero id", JSON.stringify({ v: 1, type: "viewing", conversationId: 0 })],
    ["a negative id", JSON.stringify({ v: 1, type: "typing", conversationId: -3 })],
    ["a fractional id", JSON.stringify({ v: 1, type: "typing", conversationId: 1.5 })],
    ["a missing id", JSON.stringify({ v: 1, type: "viewing" })],
    [
      "an oversized frame",
      JSON.stringify({ v: 1, type: "viewing", conversationId: 1, pad: "x".repeat(CLIENT_FRAME_MAX_LENGTH) }),
    ],
  ])("refuses %s", ([, data], { expect }) => {
    expect(parseClientFrame(data)).toBeNull();
  });
});
