import { describe, it } from "vitest";
import { PONG, parseServerFrame, type LiveEvent, type ServerFrame } from "./live-protocol";

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
  ])("refuses %s", ([, data], { expect }) => {
    expect(parseServerFrame(data)).toBeNull();
  });
});
