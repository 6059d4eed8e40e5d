/**
 * @module ClinicNumberHub: one Durable Object per clinic number, holding the live sockets of the staff
 * viewing that number. D1 stays the source of truth; this object only fans events out, so losing it
 * (eviction, deploy) loses nothing: clients reconnect and fetch what they missed over REST.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

export class ClinicNumberHub extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Answered by the runtime itself, so keep-alive pings never wake a hibernating object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** Sends one event to every open socket of this number. Returns how many sockets it reached. */
  publish(event: unknown): number {
    const frame = JSON.stringify(event);
    let sent = 0;
    for (const ws of this.ctx.getWebSockets()) {
      // getWebSockets() can still return sockets that are closing; sending to those throws.
      if (ws.readyState !== WebSocket.OPEN) continue;
      try {
        ws.send(frame);
        sent++;
      } catch {
        // A socket that died between the check and the send: its close handler cleans up.
      }
    }
    return sent;
  }
}
