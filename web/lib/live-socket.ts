/**
 * One clinic number's live connection: a WebSocket that stays up, and a cursor that makes reconnects lossless.
 *
 * The server tags every event with a cursor (its row id in D1's `live_events`). On every (re)connect the client
 * first syncs: with no cursor yet it reloads the lists from REST; with one it asks REST for the events after it
 * (or reloads when told `resync`, or when the cursor has expired: older than the queue window, whose events
 * the server has pruned). Live frames that arrive meanwhile wait in a buffer and are applied after the sync, in
 * order, skipping those already applied. So nothing falls between the list load and the socket, and
 * order-sensitive events (read, then unread) never replay out of order.
 *
 * The frames and PING/PONG are the server's own (worker/shared/live-protocol.ts).
 *
 * Presence rides the same socket but is not part of the cursor: a presence frame goes straight to
 * `onPresence` (it replaces the number's presence whole, so it needs no buffering or replay), and the
 * screen's own `viewing` frame is remembered and sent again on every (re)connect, because the object forgets
 * a socket's presence when it closes.
 *
 * Pure: no Solid, no DOM beyond an injectable WebSocket constructor, so it is tested with a fake socket.
 */
import {
  parseServerFrame,
  PING,
  type ClientFrame,
  type PresenceFrame,
} from "../../worker/shared/live-protocol";

/** The part of the browser WebSocket this module uses. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export type LiveState = "connecting" | "syncing" | "live" | "offline";

export type LiveSocketOptions<E extends { cursor: number }> = {
  url: string;
  /** Replay what was missed after `after`; `resync` means too much was missed to replay. */
  catchUp: (after: number) => Promise<{ events: E[]; resync: boolean }>;
  /** Reload whatever the screen shows from REST. */
  resync: () => Promise<void>;
  /**
   * Whether a failed catch-up means the cursor itself is too old (the API's 410 `cursor_expired`): the events
   * after it are gone, so the client reloads and forgets the cursor rather than retrying it.
   */
  isExpired?: (error: unknown) => boolean;
  apply: (event: E) => void;
  /**
   * Where the screen's state already is (the first screen's bootstrap read it before its lists): the first
   * connect replays the events after it instead of reloading. Absent, the first connect reloads.
   */
  cursor?: number | null;
  /** The number's presence, whole; an empty one when the socket drops (what it showed is no longer known). */
  onPresence?: (frame: PresenceFrame) => void;
  onState?: (state: LiveState) => void;
  open?: (url: string) => SocketLike;
  /** Every this often the client sends PING; the runtime answers PONG without waking the Durable Object. */
  pingMs?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
};

export type LiveSocket = {
  /** The highest cursor applied, or null before the first event. */
  cursor(): number | null;
  /** Skip the backoff wait (the browser came back online). */
  reconnectNow(): void;
  /**
   * Sends a presence frame if the socket is open; returns whether it went. `viewing` is also remembered and
   * re-sent after every reconnect; a `typing` frame while offline is simply lost (the next keystroke sends one).
   */
  send(frame: ClientFrame): boolean;
  close(): void;
};

export function connectLive<E extends { cursor: number }>(options: LiveSocketOptions<E>): LiveSocket {
  const open = options.open ?? ((url: string) => new WebSocket(url));
  const pingMs = options.pingMs ?? 30_000;
  const minDelay = options.minDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;

  let socket: SocketLike | null = null;
  let cursor: number | null = options.cursor ?? null;
  let attempt = 0;
  let stopped = false;
  let lastHeard = 0;
  /** Non-null while syncing: live events wait here until the catch-up is applied. */
  let buffer: E[] | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  /** The screen's last `viewing` frame, told to the object again on every connect. */
  let viewing: ClientFrame | null = null;
  /** The socket whose onopen has run (sending on one still connecting throws in a browser). */
  let opened: SocketLike | null = null;

  const setState = (state: LiveState) => options.onState?.(state);

  function deliver(event: E) {
    if (cursor !== null && event.cursor <= cursor) return;
    options.apply(event);
    cursor = event.cursor;
  }

  function connect() {
    if (stopped) return;
    setState("connecting");
    const ws = open(options.url);
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      lastHeard = Date.now();
      opened = ws;
      startPing(ws);
      if (viewing) trySend(ws, viewing);
      void sync(ws);
    };
    ws.onmessage = (message) => {
      if (socket !== ws) return;
      lastHeard = Date.now();
      // PONG only proves the line alive (lastHeard, above); a frame the protocol does not know is skipped.
      const frame = parseServerFrame(message.data);
      if (frame?.type === "presence") return options.onPresence?.(frame);
      if (frame?.type !== "event") return;
      // E is the caller's view of the protocol's LiveEvent (the app reads it off the REST catch-up's type).
      const event = frame.event as unknown as E;
      if (buffer) buffer.push(event);
      else deliver(event);
    };
    ws.onclose = () => {
      if (socket === ws) drop();
    };
    // An error is always followed by a close, which schedules the reconnect.
    ws.onerror = () => undefined;
  }

  async function sync(ws: SocketLike) {
    buffer = [];
    setState("syncing");
    try {
      if (cursor === null) {
        await options.resync();
      } else {
        const page = await options.catchUp(cursor).catch((error: unknown) => {
          if (!options.isExpired?.(error)) throw error;
          return null;
        });
        if (socket !== ws) return;
        if (page === null) {
          // Expired: reload the present like a first connect; the next event sets a fresh cursor.
          cursor = null;
          await options.resync();
        } else if (page.resync) {
          await options.resync();
          // The reload shows the present; only events after the replayable part still matter.
          const last = page.events.at(-1);
          if (last) cursor = Math.max(cursor ?? 0, last.cursor);
        } else {
          for (const event of page.events) deliver(event);
        }
      }
    } catch {
      // REST failed (offline, server restarting): start over with a fresh socket after the backoff.
      if (socket === ws) {
        ws.close(4000, "catch-up failed");
        drop();
      }
      return;
    }
    if (socket !== ws || !buffer) return;
    const waiting = buffer;
    buffer = null;
    for (const event of waiting) deliver(event);
    attempt = 0;
    setState("live");
  }

  function startPing(ws: SocketLike) {
    clearInterval(pingTimer);
    pingTimer = setInterval(() => {
      if (socket !== ws) return;
      // Nothing heard for two intervals: the connection is dead even if the browser has not noticed.
      if (Date.now() - lastHeard > 2 * pingMs) {
        ws.close(4000, "no pong");
        drop();
        return;
      }
      ws.send(PING);
    }, pingMs);
  }

  function trySend(ws: SocketLike, frame: ClientFrame) {
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch {
      // Closing under us: the close handler reconnects, and the reconnect sends `viewing` again.
      return false;
    }
  }

  function drop() {
    clearInterval(pingTimer);
    if (opened === socket) options.onPresence?.({ v: 1, type: "presence", viewers: [] });
    socket = null;
    opened = null;
    buffer = null;
    if (stopped) return;
    setState("offline");
    const ceiling = Math.min(maxDelay, minDelay * 2 ** attempt);
    attempt += 1;
    // Full jitter over the upper half: a deploy that drops every screen at once does not get them all back at once.
    const delay = ceiling / 2 + (random() * ceiling) / 2;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, delay);
  }

  connect();

  return {
    cursor: () => cursor,
    reconnectNow() {
      if (stopped || socket) return;
      clearTimeout(retryTimer);
      connect();
    },
    send(frame) {
      if (frame.type === "viewing") viewing = frame;
      const ws = socket;
      return ws !== null && opened === ws && trySend(ws, frame);
    },
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      const ws = socket;
      socket = null;
      opened = null;
      ws?.close(1000, "done");
    },
  };
}
