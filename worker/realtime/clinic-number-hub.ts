/**
 * @module ClinicNumberHub: one Durable Object per clinic number, holding the live sockets of the staff
 * viewing that number. D1 stays the source of truth; this object only fans events out, so losing it
 * (eviction, deploy) loses nothing: clients reconnect and fetch what they missed over REST.
 *
 * The Worker authenticates every upgrade (session cookie, number visible to the user) before it reaches
 * this object, and passes the verified user id in a header; the object is not reachable from outside.
 *
 * Its alarm also sends the practice-system API's queued texts for this number at the carrier's pace
 * (messaging/outbound-drain.ts explains why here rather than in a Queue) and the practice's webhooks. The only
 * state it stores for that is its own number id; the texts themselves stay in D1.
 *
 * The class only holds the sockets and the alarm; the work is in modules with their own tests: fan-out
 * (fan-out.ts), who is viewing and typing (presence.ts, kept only in the socket attachments), the alarm's drain and webhooks (messaging/number-alarm.ts), and when an event should wake
 * that alarm for a webhook (messaging/webhook-nudge.ts). realtime/ imports messaging/, never the reverse.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { describeError } from "../lib/errors";
import { createDb } from "../db/client";
import { webhookKeysForNumber } from "../db/queries/webhooks";
import { numberAlarm } from "../messaging/number-alarm";
import { WebhookNudge } from "../messaging/webhook-nudge";
import { closeQuietly, fanOut } from "./fan-out";
import { broadcastPresence, newPresence, presenceSnapshot, readPresence, receivePresence } from "./presence";
import {
  CLOSE,
  PING,
  PONG,
  parseClientFrame,
  type LiveEvent,
  type PresenceFrame,
} from "../shared/live-protocol";

/** Header the Worker sets after it has authenticated the upgrade. */
export const USER_HEADER = "x-textdesk-user";
/** The same user's display name for presence, URI-encoded (header values are ASCII; names are not). */
export const USER_NAME_HEADER = "x-textdesk-user-name";

/** Storage key of the clinic number this object serves, written by the first scheduleDrain. */
const NUMBER_KEY = "numberId";

export class ClinicNumberHub extends DurableObject<Env> {
  /** In memory only: losing it costs one D1 query. */
  private readonly webhooks = new WebhookNudge(
    async (numberId) => (await webhookKeysForNumber(createDb(this.env.DB), numberId)).length > 0,
  );

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
    const now = Date.now();
    server.serializeAttachment(newPresence(userId, decodeName(request.headers.get(USER_NAME_HEADER)), now));
    // The newcomer needs the present at once; the others learn of it when it opens a conversation (a screen
    // with nothing open changes nothing they show), so a deploy's reconnect storm is not N² frames twice.
    try {
      server.send(JSON.stringify(this.presenceAt(now)));
    } catch {
      // Closed already: nothing to tell it.
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * Sends one event to every open socket of this number. Returns how many sockets it reached. A reply or a
   * status change also nudges the alarm, which sends the practice system's webhooks (if it has any).
   */
  async publish(event: LiveEvent): Promise<number> {
    const sent = fanOut(this.ctx.getWebSockets(), event, Date.now());
    try {
      const at = await this.webhooks.dueAt(event);
      if (at !== null) await this.scheduleDrain(event.numberId, at);
    } catch (error) {
      // The sockets have their event; a missed nudge is caught up by the next event or the drain's alarm.
      console.error("webhook nudge failed:", describeError(error));
    }
    return sent;
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

  /** Sends the number's due queued texts and pending webhooks, then sleeps until either is due again. */
  override async alarm(): Promise<void> {
    const numberId = await this.ctx.storage.get<number>(NUMBER_KEY);
    if (numberId === undefined) return;
    const next = await numberAlarm({ db: createDb(this.env.DB), env: this.env, numberId });
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  /** Closes a user's sockets at once (disabled, access changed, signed out); returns how many. */
  closeUser(userId: number): number {
    const sockets = this.ctx.getWebSockets(`user:${userId}`);
    for (const ws of sockets) closeQuietly(ws, CLOSE.reauthenticate, "Access changed");
    // The others must stop seeing them now, not when (or if) the closed browsers answer the close.
    if (sockets.length > 0) broadcastPresence(this.ctx.getWebSockets(), Date.now());
    return sockets.length;
  }

  /**
   * The presence snapshot as it would be sent at `at` (default: now), for tests and diagnostics: a test asks
   * for a later time to see typing expire without waiting for it.
   */
  presenceAt(at: number = Date.now()): PresenceFrame {
    const open = this.ctx.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN);
    return presenceSnapshot(
      open.map(readPresence).filter((p) => p !== null),
      at,
    );
  }

  /** The users with this conversation open on a live screen now: Web Push skips them (push/notify.ts). */
  viewersOf(conversationId: number): number[] {
    const viewers = this.presenceAt().viewers.filter((v) => v.conversationId === conversationId);
    return [...new Set(viewers.map((v) => v.userId))];
  }

  /** How many sockets are open, for tests and diagnostics. */
  connectionCount(): number {
    return this.ctx.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN).length;
  }

  /**
   * Clients send "ping" (auto-answered, so normally never seen here) and presence frames (viewing, typing);
   * anything else is a protocol error.
   */
  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    if (message === PING) return;
    const frame = parseClientFrame(message);
    if (!frame) return closeQuietly(ws, CLOSE.badFrame, "Unexpected frame");
    if (!receivePresence(ws, frame, () => this.ctx.getWebSockets(), Date.now())) {
      closeQuietly(ws, CLOSE.reauthenticate, "Sign-in check due");
    }
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string) {
    // Reciprocate the close handshake; codes 1005/1006/1015 are reserved and may not be sent.
    closeQuietly(ws, code === 1005 || code === 1006 || code === 1015 ? 1000 : code, reason);
    broadcastPresence(this.ctx.getWebSockets(), Date.now(), ws);
  }

  override webSocketError(ws: WebSocket) {
    closeQuietly(ws, 1011, "Socket error");
    broadcastPresence(this.ctx.getWebSockets(), Date.now(), ws);
  }
}

/** The name the Worker passed; a missing or mangled header falls back to a neutral one rather than failing. */
function decodeName(header: string | null): string {
  if (header === null) return "";
  try {
    return decodeURIComponent(header);
  } catch {
    return "";
  }
}
