import { exports } from "cloudflare:workers";
import { onTestFinished } from "vitest";
import type { LiveEvent, PresenceFrame, ServerFrame } from "../shared/live-protocol";
import { BASE } from "./helpers";

/** Opens the live socket of a clinic number as a signed-in browser would. */
export async function openLive(numberId: number, cookie?: string, origin?: string) {
  const headers = new Headers({ upgrade: "websocket" });
  if (cookie) headers.set("cookie", cookie);
  if (origin) headers.set("origin", origin);
  return exports.default.fetch(new Request(`${BASE}/api/live/numbers/${numberId}/socket`, { headers }));
}

/** A connected socket that records every event it receives, with a way to wait for the next ones. */
export async function connect(numberId: number, cookie: string) {
  const res = await openLive(numberId, cookie);
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`upgrade refused: ${res.status}`);
  ws.accept();
  // An open socket left behind would keep the object busy and make later evictions wait.
  onTestFinished(() => ws.close(1000, "test finished"));
  const events: LiveEvent[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  ws.addEventListener("message", (m) => {
    if (typeof m.data !== "string" || m.data === "pong") return;
    const frame = JSON.parse(m.data) as ServerFrame | PresenceFrame;
    // Presence snapshots (one arrives on connect) are not events; presence tests read them themselves.
    if (frame.type !== "event") return;
    events.push(frame.event);
    if (waiter && events.length >= waiter.count) waiter.resolve();
  });
  return {
    ws,
    events,
    /** Resolves once `count` events in total have arrived; rejects after a clear timeout. */
    waitFor(count: number, timeoutMs = 5000) {
      if (events.length >= count) return Promise.resolve(events);
      return new Promise<LiveEvent[]>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} events, got ${events.length} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(events);
          },
        };
      });
    },
  };
}
