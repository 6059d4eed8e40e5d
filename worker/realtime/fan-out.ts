/**
 * @module Fan-out: one live event to every open socket of a clinic number. The Durable Object hands it its
 * sockets (ctx.getWebSockets()); this module decides which may still have the event, and sends the frame.
 */
import { CLOSE, type LiveEvent, type ServerFrame } from "../shared/live-protocol";

/**
 * Access is checked when a socket connects. Closing older sockets makes their clients reconnect through the
 * session check, so a disabled user, a removed grant or an idle-expired session loses the feed within this
 * time even without an explicit closeUser().
 */
export const MAX_SOCKET_AGE_MS = 10 * 60_000;

/** Kept on each socket with serializeAttachment, so it survives hibernation (limit: 16 KiB). */
export type Attachment = { userId: number; connectedAt: number };

/** What fan-out needs of a socket: the runtime's WebSocket, or a stand-in in tests. */
export type HubSocket = Pick<WebSocket, "readyState" | "send" | "close" | "deserializeAttachment">;

/** The `readyState` of an open socket (WebSocket.OPEN, spelled out so the module needs no runtime global). */
const OPEN = 1;

/**
 * Sends the event to every open socket connected within MAX_SOCKET_AGE_MS of `now`, and closes the older
 * ones (they reconnect, pass the session check again and catch this event up). Returns how many it reached.
 */
export function fanOut(sockets: Iterable<HubSocket>, event: LiveEvent, now: number): number {
  const frame = JSON.stringify({ v: 1, type: "event", event } satisfies ServerFrame);
  const tooOld = now - MAX_SOCKET_AGE_MS;
  let sent = 0;
  for (const ws of sockets) {
    // getWebSockets() can still return sockets that are closing; sending to those throws.
    if (ws.readyState !== OPEN) continue;
    const attachment = ws.deserializeAttachment() as Attachment | null;
    if (!attachment || attachment.connectedAt < tooOld) {
      closeQuietly(ws, CLOSE.reauthenticate, "Sign-in check due");
      continue;
    }
    try {
      ws.send(frame);
      sent++;
    } catch {
      // The socket died between the check and the send; its close handler cleans up.
    }
  }
  return sent;
}

export function closeQuietly(ws: Pick<WebSocket, "close">, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed: nothing to do.
  }
}
