/**
 * @module ClinicNumberHub: one Durable Object per clinic number, holding the live sockets of the staff
 * viewing that number. D1 stays the source of truth; this object only fans events out, so losing it
 * (eviction, deploy) loses nothing: clients reconnect and fetch what they missed over REST.
 *
 * The Worker authenticates every upgrade (session cookie, number visible to the user) before it reaches
 * this object, and passes the verified user id in a header; the object is not reachable from outside.
 *
 * Its alarm also sends the practice-system API's queued texts for this number at the carrier's pace
 * (messaging/outbound-drain.ts explains why here rather than in a Queue). The only state it stores for that
 * is its own number id; the texts themselves stay in D1.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { describeError } from "../lib/errors";
import { createDb } from "../db/client";
import { webhookKeysForNumber } from "../db/queries/webhooks";
import { drainQueued } from "../messaging/outbound-drain";
import { dispatchWebhooks } from "../messaging/practice-webhooks";
import { CLOSE, PING, PONG, type LiveEvent, type ServerFrame } from "./protocol";

/** Header the Worker sets after it has authenticated the upgrade. */
export const USER_HEADER = "x-textdesk-user";

/** Kept on each socket with serializeAttachment, so it survives hibernation (limit: 16 KiB). */
type Attachment = { userId: number; connectedAt: number };

/** Storage key of the clinic number this object serves, written by the first scheduleDrain. */
const NUMBER_KEY = "numberId";

/**
 * Access is checked when a socket connects. Closing older sockets makes their clients reconnect through the
 * session check, so a disabled user, a removed grant or an idle-expired session loses the feed within this
 * time even without an explicit closeUser().
 */
export const MAX_SOCKET_AGE_MS = 10 * 60_000;

/** Webhooks wait a moment so a burst of events goes out in one alarm run. */
const WEBHOOK_DELAY_MS = 500;
const WEBHOOK_CHECK_MS = 60_000;

function isWebhookEvent(event: LiveEvent) {
  return (event.type === "message" && event.message.direction === "in") || event.type === "message_status";
}

export class ClinicNumberHub extends DurableObject<Env> {
  /** In memory only: losing it costs one D1 query. */
  private webhooksOn = false;
  private webhooksCheckedAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Answered by the runtime itself, so keep-alive pings never wake a hibernating object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** Accepts an already-authenticated WebSocket upgrade with the Hibernation API. */
  override fetch(request: Request): Response {
    const userId = Number(request.headers.get(USER_HEADER));
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !Number.isInteger(userId)) {
      return new Response("Expected an authenticated WebSocket upgrade", { status: 426 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    // acceptWebSocket (not server.accept()) lets the object hibernate while sockets stay open.
    this.ctx.acceptWebSocket(server, [`user:${userId}`]);
    server.serializeAttachment({ userId, connectedAt: Date.now() } satisfies Attachment);
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * Sends one event to every open socket of this number. Returns how many sockets it reached. A reply or a
   * status change also nudges the alarm, which sends the practice system's webhooks (if it has any).
   */
  async publish(event: LiveEvent): Promise<number> {
    const frame = JSON.stringify({ v: 1, type: "event", event } satisfies ServerFrame);
    let sent = 0;
    const tooOld = Date.now() - MAX_SOCKET_AGE_MS;
    for (const ws of this.ctx.getWebSockets()) {
      // getWebSockets() can still return sockets that are closing; sending to those throws.
      if (ws.readyState !== WebSocket.OPEN) continue;
      const attachment = ws.deserializeAttachment() as Attachment | null;
      if (!attachment || attachment.connectedAt < tooOld) {
        // Not sent: the client reconnects, passes the session check again and catches this event up.
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
    try {
      if (isWebhookEvent(event) && (await this.hasWebhooks(event.numberId))) {
        await this.scheduleDrain(event.numberId, Date.now() + WEBHOOK_DELAY_MS);
      }
    } catch (error) {
      // The sockets have their event; a missed nudge is caught up by the next event or the drain's alarm.
      console.error("webhook nudge failed:", describeError(error));
    }
    return sent;
  }

  /** Whether the practice has webhook keys, asked of D1 at most once a minute per number. */
  private async hasWebhooks(numberId: number): Promise<boolean> {
    if (this.webhooksCheckedAt > Date.now() - WEBHOOK_CHECK_MS) return this.webhooksOn;
    this.webhooksOn = (await webhookKeysForNumber(createDb(this.env.DB), numberId)).length > 0;
    this.webhooksCheckedAt = Date.now();
    return this.webhooksOn;
  }

  /**
   * Makes sure the drain runs no later than `at`. An earlier alarm already set is kept: the drain looks at
   * everything due when it runs, and sets the next alarm itself.
   */
  async scheduleDrain(numberId: number, at: number): Promise<void> {
    await this.ctx.storage.put(NUMBER_KEY, numberId);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }

  /**
   * Sends the next due queued texts of this number and its pending webhooks, then sleeps until either is
   * due again.
   */
  override async alarm(): Promise<void> {
    const numberId = await this.ctx.storage.get<number>(NUMBER_KEY);
    if (numberId === undefined) return;
    const db = createDb(this.env.DB);
    const drained = await drainQueued({ db, env: this.env, numberId });
    const hooksNextAt = await dispatchWebhooks({ db, env: this.env, numberId }).then(
      (hooks) => hooks.nextAt,
      (error: unknown) => {
        // A broken webhook setup must never stall the texts: log it and look again in five minutes.
        console.error("webhooks not sent:", describeError(error));
        return Date.now() + 5 * 60_000;
      },
    );
    const next = [drained.nextAt, hooksNextAt].filter((at) => at !== null);
    if (next.length > 0) await this.ctx.storage.setAlarm(Math.min(...next));
  }

  /** Closes a user's sockets at once (disabled, access changed, signed out); returns how many. */
  closeUser(userId: number): number {
    const sockets = this.ctx.getWebSockets(`user:${userId}`);
    for (const ws of sockets) closeQuietly(ws, CLOSE.reauthenticate, "Access changed");
    return sockets.length;
  }

  /** How many sockets are open, for tests and diagnostics. */
  connectionCount(): number {
    return this.ctx.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN).length;
  }

  /** Clients only ever send "ping" (auto-answered); anything else is a protocol error. */
  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    if (message === PING) return;
    closeQuietly(ws, CLOSE.badFrame, "Unexpected frame");
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string) {
    // Reciprocate the close handshake; codes 1005/1006/1015 are reserved and may not be sent.
    closeQuietly(ws, code === 1005 || code === 1006 || code === 1015 ? 1000 : code, reason);
  }

  override webSocketError(ws: WebSocket) {
    closeQuietly(ws, 1011, "Socket error");
  }
}

function closeQuietly(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed: nothing to do.
  }
}
