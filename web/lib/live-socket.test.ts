import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveEvent, PresenceFrame } from "../../worker/shared/live-protocol";
import { connectLive, type SocketLike } from "./live-socket";

type Ev = LiveEvent;

/** A WebSocket the test drives: it opens, delivers frames and closes when told to. */
class FakeSocket implements SocketLike {
  sent: string[] = [];
  closed = false;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  serverOpens() {
    this.onopen?.(new Event("open"));
  }
  serverSends(event: Ev) {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify({ v: 1, type: "event", event }) }));
  }
  serverSendsText(data: string) {
    this.onmessage?.(new MessageEvent("message", { data }));
  }
  serverDrops() {
    this.closed = true;
    this.onclose?.(new CloseEvent("close", { code: 1006 }));
  }
}

function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (reason: Error) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup() {
  const sockets: FakeSocket[] = [];
  const applied: Ev[] = [];
  const catchUps: number[] = [];
  const presence: PresenceFrame[] = [];
  let catchUpAnswer = deferred<{ events: Ev[]; resync: boolean }>();
  let resyncAnswer = deferred<undefined>();
  const resync = vi.fn(() => resyncAnswer.promise);
  const live = connectLive<Ev>({
    url: "ws://localhost/api/live/numbers/1/socket",
    open: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    catchUp: (after) => {
      catchUps.push(after);
      return catchUpAnswer.promise;
    },
    resync,
    apply: (event) => applied.push(event),
    onPresence: (frame) => presence.push(frame),
    pingMs: 30_000,
    minDelayMs: 1000,
    maxDelayMs: 8000,
    random: () => 1,
  });
  const latest = () => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error("no socket yet");
    return socket;
  };
  return {
    live,
    sockets,
    latest,
    applied,
    catchUps,
    presence,
    resync,
    answerCatchUp: async (events: Ev[], needsResync = false) => {
      catchUpAnswer.resolve({ events, resync: needsResync });
      catchUpAnswer = deferred();
      await vi.advanceTimersByTimeAsync(0);
    },
    failCatchUp: async () => {
      catchUpAnswer.reject(new Error("offline"));
      catchUpAnswer = deferred();
      await vi.advanceTimersByTimeAsync(0);
    },
    answerResync: async () => {
      resyncAnswer.resolve(undefined);
      resyncAnswer = deferred();
      await vi.advanceTimersByTimeAsync(0);
    },
  };
}

const ev = (cursor: number): Ev => ({
  type: "read_state",
  cursor,
  numberId: 1,
  conversationId: cursor,
  unread: cursor % 2 === 0,
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("live socket", () => {
  it("loads the lists on first connect and applies events that arrived meanwhile afterwards, in order", async () => {
    const t = setup();
    t.latest().serverOpens();
    expect(t.resync).toHaveBeenCalledTimes(1);
    t.latest().serverSends(ev(1));
    expect(t.applied).toEqual([]);
    await t.answerResync();
    t.latest().serverSends(ev(2));
    expect(t.applied.map((e) => e.cursor)).toEqual([1, 2]);
    expect(t.live.cursor()).toBe(2);
    t.live.close();
  });

  it("reconnects with growing backoff and catches up from its cursor without duplicates", async () => {
    const t = setup();
    t.latest().serverOpens();
    await t.answerResync();
    t.latest().serverSends(ev(1));
    t.latest().serverSends(ev(2));

    t.latest().serverDrops();
    expect(t.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(t.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.sockets).toHaveLength(2);

    // The second try fails too: the wait doubles.
    t.latest().serverDrops();
    await vi.advanceTimersByTimeAsync(1999);
    expect(t.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.sockets).toHaveLength(3);

    t.latest().serverOpens();
    expect(t.catchUps).toEqual([2]);
    // Live frames during the catch-up wait; one of them is also in the catch-up (idempotent by cursor).
    t.latest().serverSends(ev(4));
    t.latest().serverSends(ev(5));
    await t.answerCatchUp([ev(3), ev(4)]);
    t.latest().serverSends(ev(5));
    expect(t.applied.map((e) => e.cursor)).toEqual([1, 2, 3, 4, 5]);
    expect(t.resync).toHaveBeenCalledTimes(1);

    // A successful sync resets the backoff.
    t.latest().serverDrops();
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.sockets).toHaveLength(4);
    t.live.close();
  });

  it("reloads the lists when the server says too much was missed", async () => {
    const t = setup();
    t.latest().serverOpens();
    await t.answerResync();
    t.latest().serverSends(ev(7));
    t.latest().serverDrops();
    await vi.advanceTimersByTimeAsync(1000);
    t.latest().serverOpens();
    await t.answerCatchUp([ev(8), ev(9)], true);
    expect(t.resync).toHaveBeenCalledTimes(2);
    await t.answerResync();
    t.latest().serverSends(ev(9));
    t.latest().serverSends(ev(10));
    // Replayed events are skipped after a reload; only newer ones apply.
    expect(t.applied.map((e) => e.cursor)).toEqual([7, 10]);
    t.live.close();
  });

  it("pings every interval and reconnects when no pong comes back", async () => {
    const t = setup();
    const first = t.latest();
    first.serverOpens();
    await t.answerResync();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(first.sent).toEqual(["ping"]);
    first.serverSendsText("pong");
    await vi.advanceTimersByTimeAsync(30_000);
    expect(first.sent).toEqual(["ping", "ping"]);
    // Silence from here on: after two intervals without an answer the socket is given up.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(first.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.sockets).toHaveLength(2);
    t.live.close();
  });

  it("retries when the catch-up request fails, and stops for good on close", async () => {
    const t = setup();
    t.latest().serverOpens();
    await t.answerResync();
    t.latest().serverSends(ev(1));
    t.latest().serverDrops();
    await vi.advanceTimersByTimeAsync(1000);
    const second = t.latest();
    second.serverOpens();
    await t.failCatchUp();
    expect(second.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.sockets).toHaveLength(3);
    const third = t.latest();
    third.serverOpens();
    expect(t.catchUps).toEqual([1, 1]);

    t.live.close();
    expect(third.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.sockets).toHaveLength(3);
  });

  it("applies only the protocol's event frames: pong, garbage and unknown frames are skipped", async () => {
    const t = setup();
    t.latest().serverOpens();
    await t.answerResync();
    t.latest().serverSendsText("pong");
    t.latest().serverSendsText("not json");
    t.latest().serverSendsText(JSON.stringify({ v: 2, type: "event", event: ev(1) }));
    t.latest().serverSendsText(JSON.stringify({ v: 1, type: "event", event: { ...ev(2), type: "future" } }));
    t.latest().serverSendsText(JSON.stringify({ v: 1, type: "event", event: { ...ev(3), cursor: "3" } }));
    t.latest().serverSends(ev(4));
    expect(t.applied).toEqual([ev(4)]);
    t.live.close();
  });
});

describe("presence on the live socket", () => {
  const viewing = (conversationId: number | null) => ({ v: 1, type: "viewing", conversationId }) as const;
  const snapshot: PresenceFrame = {
    v: 1,
    type: "presence",
    viewers: [{ userId: 2, name: "Sam Staff", conversationId: 4, typing: true }],
  };

  it("delivers presence frames at once, even while syncing, and never as events", async () => {
    const t = setup();
    t.latest().serverOpens();
    t.latest().serverSendsText(JSON.stringify(snapshot));
    expect(t.presence).toEqual([snapshot]);
    await t.answerResync();
    expect(t.applied).toEqual([]);
    t.live.close();
  });

  it("sends frames only on an open socket, and re-sends the last viewing after every reconnect", async () => {
    const t = setup();
    // Not open yet: nothing goes, but the viewing is remembered for when it opens.
    expect(t.live.send(viewing(4))).toBe(false);
    expect(t.live.send({ v: 1, type: "typing", conversationId: 4 })).toBe(false);
    t.latest().serverOpens();
    expect(t.latest().sent).toEqual([JSON.stringify(viewing(4))]);
    await t.answerResync();
    expect(t.live.send({ v: 1, type: "typing", conversationId: 4 })).toBe(true);
    expect(t.live.send(viewing(5))).toBe(true);

    t.latest().serverDrops();
    // What the dropped socket showed is no longer known: presence empties until the new socket's snapshot.
    expect(t.presence.at(-1)).toEqual({ v: 1, type: "presence", viewers: [] });
    await vi.advanceTimersByTimeAsync(1000);
    t.latest().serverOpens();
    // Only the viewing comes back, the latest one; the typing frame was a moment and is not replayed.
    expect(t.latest().sent).toEqual([JSON.stringify(viewing(5))]);
    t.live.close();
  });
});

describe("an expired cursor (the API's 410)", () => {
  it("reloads the lists instead of retrying, forgets the cursor and goes live", async () => {
    const expired = new Error("cursor_expired");
    const catchUps: number[] = [];
    const resync = vi.fn(() => Promise.resolve());
    const sockets: FakeSocket[] = [];
    const applied: number[] = [];
    const live = connectLive<Ev>({
      url: "ws://localhost/api/live/numbers/1/socket",
      open: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      catchUp: (after) => {
        catchUps.push(after);
        return Promise.reject(expired);
      },
      isExpired: (error) => error === expired,
      resync,
      apply: (event) => applied.push(event.cursor),
      minDelayMs: 1000,
      random: () => 1,
    });
    sockets[0]?.serverOpens();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0]?.serverSends(ev(7));
    expect(live.cursor()).toBe(7);

    sockets[0]?.serverDrops();
    await vi.advanceTimersByTimeAsync(1000);
    const second = sockets[1];
    expect(second).toBeDefined();
    second?.serverOpens();
    await vi.advanceTimersByTimeAsync(0);
    expect(catchUps).toEqual([7]);
    // First connect, then the expired catch-up: two reloads, and the socket was not closed as a failure.
    expect(resync).toHaveBeenCalledTimes(2);
    expect(second?.closed).toBe(false);
    expect(live.cursor()).toBeNull();
    second?.serverSends(ev(9));
    expect(applied).toEqual([7, 9]);
    live.close();
  });
});
