/**
 * The web app's real live client (`connectLive` from web/lib/live-socket.ts) running inside workerd, so
 * socket tests count what a screen would actually show: its frame parsing, cursor, buffering during sync,
 * reconnect and REST catch-up are the production code. Only the transport is adapted: in workerd a
 * client WebSocket comes from a fetch upgrade, not from `new WebSocket(url)`.
 */
import { onTestFinished } from "vitest";
import { connectLive, type LiveState, type SocketLike } from "../../web/lib/live-socket";
import type { LiveEvent } from "../shared/live-protocol";
import { call } from "./helpers";
import { openLive } from "./sockets";

/** A SocketLike over a fetch-upgraded WebSocket, opened as `cookie`'s browser would open `url`. */
function upgradeSocket(numberId: number, cookie: string): SocketLike {
  let ws: WebSocket | undefined;
  let closedEarly: { code?: number; reason?: string } | undefined;
  const socket: SocketLike = {
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    send: (data) => ws?.send(data),
    close: (code, reason) => {
      if (ws) ws.close(code, reason);
      else closedEarly = { code, reason };
    },
  };
  const closed = () => socket.onclose?.(new CloseEvent("close", { code: 1006 }));
  openLive(numberId, cookie).then(
    (res) => {
      const upgraded = res.webSocket;
      if (res.status !== 101 || !upgraded) return closed();
      upgraded.accept();
      ws = upgraded;
      if (closedEarly) return upgraded.close(closedEarly.code, closedEarly.reason);
      upgraded.addEventListener("message", (m) => socket.onmessage?.(m));
      upgraded.addEventListener("close", (e) => socket.onclose?.(e));
      upgraded.addEventListener("error", (e) => socket.onerror?.(e));
      // An accepted client socket in workerd is open at once and fires no "open" event of its own.
      socket.onopen?.(new Event("open"));
    },
    // A refused or failed upgrade is a close, as a browser reports it, and the client retries.
    closed,
  );
  return socket;
}

export type LiveScreen = {
  /** Ids of the messages the client applied, from socket frames or its REST catch-up. */
  messageIds: Set<number>;
  /** Times the client went offline and reconnected. */
  reconnects: () => number;
  /** Times the client reloaded from REST instead of replaying (the first connect is one). */
  resyncs: () => number;
  /** Resolves once the client is live (connected and synced). */
  live: () => Promise<void>;
  /** Resolves once every id is applied and the client is live, or rejects after `timeoutMs`. */
  received: (ids: readonly number[], timeoutMs?: number) => Promise<void>;
  close: () => void;
};

/** Connects the real client to a clinic number's live socket, as `cookie`'s screen does. */
export function liveScreen(numberId: number, cookie: string): LiveScreen {
  const messageIds = new Set<number>();
  let state: LiveState = "connecting";
  let reconnects = 0;
  let resyncs = 0;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };

  const client = connectLive<LiveEvent>({
    url: `/api/live/numbers/${numberId}/socket`,
    open: () => upgradeSocket(numberId, cookie),
    catchUp: async (after) => {
      const res = await call(`/api/live/events?after=${after}&numberId=${numberId}`, { cookie });
      if (res.status !== 200) throw new Error(`catch-up: ${res.status}`);
      return res.json<{ events: LiveEvent[]; resync: boolean }>();
    },
    // The screen would reload its lists here; the test's screen shows only the live messages, so a
    // reload is counted (and a test can require that replay, not reload, was what recovered).
    resync: () => {
      resyncs++;
      return Promise.resolve();
    },
    apply: (event) => {
      if (event.type === "message") messageIds.add(event.message.id);
      wake();
    },
    onState: (next) => {
      if (next === "offline") reconnects++;
      state = next;
      wake();
    },
    // Quick retries: the test waits for the reconnect, and the backoff itself has its own unit test.
    minDelayMs: 10,
    maxDelayMs: 50,
    random: () => 0.5,
  });
  // An open socket left behind would keep the object busy and make later evictions wait.
  onTestFinished(() => client.close());

  function until(done: () => boolean, what: () => string, timeoutMs: number) {
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${what()} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
    });
  }

  return {
    messageIds,
    reconnects: () => reconnects,
    resyncs: () => resyncs,
    live: () =>
      until(
        () => state === "live",
        () => `still ${state}`,
        5000,
      ),
    received: (ids, timeoutMs = 5000) =>
      until(
        () => state === "live" && ids.every((id) => messageIds.has(id)),
        () =>
          `${ids.filter((id) => !messageIds.has(id)).length} of ${ids.length} messages missing (${state})`,
        timeoutMs,
      ),
    close: () => client.close(),
  };
}
