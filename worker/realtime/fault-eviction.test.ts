import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { beforeAll, describe, it } from "vitest";
import { demoNumbers } from "../test/messages-fixture";
import { call, seed, signInAdmin, signInStaff } from "../test/helpers";
import { postTwilio, twilioInbound } from "../test/carriers";
import { openLive } from "../test/sockets";
import { reportFault } from "../test/fault-summary";
import type { LiveEvent, ServerFrame } from "./protocol";
import { hubFor } from "../messaging/hub";

let westside: number;
beforeAll(async () => {
  await seed();
  ({ westside } = await demoNumbers());
});

/**
 * A screen as web/lib does it: apply socket events, remember the highest cursor, and when the socket closes,
 * reconnect and then fetch everything after that cursor over REST (reconnect first, so nothing falls in
 * between). Applying an event twice is harmless, so the overlap needs no care.
 */
class Screen {
  readonly messageIds = new Set<number>();
  cursor = 0;
  reconnects = 0;
  private ws: WebSocket | undefined;
  private recovering: Promise<void> = Promise.resolve();
  private closedByTest = false;

  constructor(private readonly cookie: string) {}

  private apply(event: LiveEvent) {
    if (event.type === "message") this.messageIds.add(event.message.id);
    this.cursor = Math.max(this.cursor, event.cursor);
  }

  async open() {
    const res = await openLive(westside, this.cookie);
    const ws = res.webSocket;
    if (res.status !== 101 || !ws) throw new Error(`upgrade refused: ${res.status}`);
    ws.accept();
    ws.addEventListener("message", (m) => {
      if (typeof m.data === "string" && m.data !== "pong")
        this.apply((JSON.parse(m.data) as ServerFrame).event);
    });
    ws.addEventListener("close", () => {
      if (this.closedByTest) return;
      this.reconnects++;
      this.recovering = this.open().then(() => this.catchUp());
    });
    this.ws = ws;
  }

  async catchUp() {
    for (;;) {
      const res = await call(`/api/live/events?after=${this.cursor}&numberId=${westside}`, {
        cookie: this.cookie,
      });
      const { events } = await res.json<{ events: LiveEvent[]; resync: boolean }>();
      for (const e of events) this.apply(e);
      if (events.length === 0) return;
    }
  }

  settled() {
    return this.recovering;
  }

  close() {
    this.closedByTest = true;
    this.ws?.close(1000, "test finished");
  }
}

describe("the number's Durable Object evicted while texts arrive", () => {
  it("every screen ends with every message, from its socket and its cursor catch-up", async ({ expect }) => {
    const screens = [
      new Screen(await signInAdmin()),
      new Screen(await signInAdmin()),
      new Screen(await signInStaff()),
    ];
    await Promise.all(screens.map((s) => s.open()));
    const total = 60;
    let evictions = 0;
    for (let i = 0; i < total; i += 5) {
      const batch = Array.from({ length: 5 }, (_, j) =>
        postTwilio(
          "/webhooks/twilio/messages",
          twilioInbound({ From: `+1555003${String(i + j).padStart(4, "0")}`, Body: `Evict ${i + j}` }),
        ),
      );
      // Evict in the middle of a batch of webhooks: once keeping the hibernated sockets, once closing them.
      const eviction =
        i === 20
          ? evictDurableObject(hubFor(env, westside), { webSockets: "hibernate" })
          : i === 40
            ? evictDurableObject(hubFor(env, westside), { webSockets: "close" })
            : undefined;
      if (eviction) evictions++;
      const answers = await Promise.all(batch);
      await eviction;
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    }
    const stored = await env.DB.prepare(
      "select id from messages where number_id = ? and body like 'Evict %' order by id",
    )
      .bind(westside)
      .all<{ id: number }>();
    expect(stored.results).toHaveLength(total);
    const want = stored.results.map((r) => r.id);
    // Sockets deliver after the webhook answered (waitUntil): give them a moment, then check every screen.
    const deadline = Date.now() + 5000;
    for (const s of screens) {
      await s.settled();
      while (want.some((id) => !s.messageIds.has(id)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    for (const s of screens) s.close();
    const missing = screens.map((s) => want.filter((id) => !s.messageIds.has(id)).length);
    expect(missing).toEqual([0, 0, 0]);
    // The "close" eviction really closed every socket, so each screen went through reconnect + catch-up.
    expect(screens.map((s) => s.reconnects)).toEqual([1, 1, 1]);
    reportFault({
      check: "Durable Object evicted twice while 60 texts arrive, 3 screens",
      load: total,
      faults: evictions,
      badInputs: 0,
      expected: total * screens.length,
      lost: missing.reduce((a, b) => a + b, 0),
    });
  });
});
