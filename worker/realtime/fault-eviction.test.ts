import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { beforeAll, describe, it } from "vitest";
import { demoNumbers } from "../test/messages-fixture";
import { seed, signInAdmin, signInStaff } from "../test/helpers";
import { postTwilio, twilioInbound } from "../test/carriers";
import { liveScreen } from "../test/live-client";
import { reportFault } from "../test/fault-summary";
import { hubFor } from "../messaging/hub";

let westside: number;
beforeAll(async () => {
  await seed();
  ({ westside } = await demoNumbers());
});

describe("the number's Durable Object evicted while texts arrive", () => {
  it("every screen ends with every message, from its socket and its cursor catch-up", async ({ expect }) => {
    // The web app's own client (connectLive), so a frame it drops or a catch-up it skips counts as lost.
    const screens = [
      liveScreen(westside, await signInAdmin()),
      liveScreen(westside, await signInAdmin()),
      liveScreen(westside, await signInStaff()),
    ];
    await Promise.all(screens.map((s) => s.live()));
    const total = 60;
    let evictions = 0;
    const statuses: number[] = [];
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
      statuses.push(...(await Promise.all(batch)).map((r) => r.status));
      await eviction;
    }
    const stored = await env.DB.prepare(
      "select id from messages where number_id = ? and body like 'Evict %' order by id",
    )
      .bind(westside)
      .all<{ id: number }>();
    const want = stored.results.map((r) => r.id);
    // Frames leave after the webhook answered (waitUntil), and the closed screens reconnect and catch up:
    // wait until each screen has everything, or give up after a clear timeout and count what is missing.
    await Promise.all(screens.map((s) => s.received(want).catch(() => undefined)));
    for (const s of screens) s.close();
    // Counted against the 60 sent, not the rows stored: a text D1 never got is lost to every screen.
    const missing = screens.map((s) => total - want.filter((id) => s.messageIds.has(id)).length);
    // Reported before the assertions, so a run that loses messages shows how many.
    reportFault({
      check: "Durable Object evicted twice while 60 texts arrive, 3 screens (connectLive)",
      load: total,
      faults: evictions,
      badInputs: 0,
      expected: total * screens.length,
      lost: missing.reduce((a, b) => a + b, 0),
    });
    expect(statuses).toEqual(Array.from({ length: total }, () => 200));
    expect(stored.results).toHaveLength(total);
    expect(missing).toEqual([0, 0, 0]);
    // The "close" eviction really closed every socket, so each screen went through reconnect + catch-up,
    // and replayed what it missed from its cursor rather than reloading (only the first connect reloads).
    expect(screens.map((s) => s.reconnects())).toEqual([1, 1, 1]);
    expect(screens.map((s) => s.resyncs())).toEqual([1, 1, 1]);
  });
});
