import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, it } from "vitest";
import { createDb } from "../db/client";
import { demoNumbers } from "../test/messages-fixture";
import { BASE, call, grantStaff, seed, signIn, signInAdmin, signInStaff } from "../test/helpers";
import { seedOtherPractice } from "../test/other-practice";
import { connect, openLive } from "../test/sockets";
import { MAX_SOCKET_AGE_MS } from "./fan-out";
import { hubFor } from "../messaging/hub";
import { publishLive } from "../messaging/live";

let main: number;
let westside: number;
let other: Awaited<ReturnType<typeof seedOtherPractice>>;

beforeAll(async () => {
  await seed();
  other = await seedOtherPractice();
  ({ main, westside } = await demoNumbers());
});

const readState = (numberId: number, conversationId: number, unread: boolean) =>
  publishLive(env, createDb(env.DB), { type: "read_state", numberId, conversationId, unread });

describe("upgrade authentication", () => {
  it("refuses without a session (401), for another practice's number (404) and for a number not granted (403)", async ({
    expect,
  }) => {
    expect((await openLive(main)).status).toBe(401);
    const admin = await signInAdmin();
    expect((await openLive(other.number.id, admin)).status).toBe(404);
    const staff = await signInStaff();
    await grantStaff(admin, [main]);
    const refused = await openLive(westside, staff);
    expect(refused.status).toBe(403);
    expect(refused.webSocket).toBeNull();
    const accepted = await openLive(main, staff);
    expect(accepted.status).toBe(101);
    accepted.webSocket?.accept();
    accepted.webSocket?.close(1000, "done");
  });

  it("refuses an upgrade from another site's page (403) and accepts one from the app's own origin", async ({
    expect,
  }) => {
    const admin = await signInAdmin();
    const refused = await openLive(main, admin, "https://evil.example");
    expect(refused.status).toBe(403);
    expect(refused.webSocket).toBeNull();
    expect((await refused.json<{ error: { code: string } }>()).error.code).toBe("cross_origin");
    const own = await openLive(main, admin, BASE);
    expect(own.status).toBe(101);
    own.webSocket?.accept();
    own.webSocket?.close(1000, "done");
  });

  it("answers a plain GET on the socket route with 426", async ({ expect }) => {
    const admin = await signInAdmin();
    expect((await call(`/api/live/numbers/${main}/socket`, { cookie: admin })).status).toBe(426);
  });
});

describe("fan-out", () => {
  it("reaches every socket of the number, and only that number's", async ({ expect }) => {
    const a = await connect(main, await signInAdmin());
    const b = await connect(main, await signInStaff());
    const elsewhere = await connect(westside, await signInAdmin());
    const sent = await readState(main, 1, true);
    const [fromA] = await a.waitFor(1);
    const [fromB] = await b.waitFor(1);
    expect(fromA).toEqual(sent);
    expect(fromB).toEqual(sent);
    expect(sent.cursor).toBeGreaterThan(0);
    // The westside socket is still open and reachable, yet got nothing from main's event.
    const west = await readState(westside, 2, false);
    expect(await elsewhere.waitFor(1)).toEqual([west]);
  });

  it("delivers events in cursor order", async ({ expect }) => {
    const socket = await connect(main, await signInAdmin());
    const published = [];
    for (let i = 0; i < 10; i++) published.push(await readState(main, i + 1, i % 2 === 0));
    const received = await socket.waitFor(10);
    expect(received.map((e) => e.cursor)).toEqual(published.map((e) => e.cursor));
    expect([...received.map((e) => e.cursor)].sort((x, y) => x - y)).toEqual(received.map((e) => e.cursor));
  });
});

describe("eviction", () => {
  it("keeps hibernated sockets: an event after eviction still arrives", async ({ expect }) => {
    const socket = await connect(main, await signInAdmin());
    await evictDurableObject(hubFor(env, main), { webSockets: "hibernate" });
    const sent = await readState(main, 5, true);
    expect(await socket.waitFor(1)).toEqual([sent]);
  });

  it("lets a client whose socket was closed catch up from its cursor over REST", async ({ expect }) => {
    const admin = await signInAdmin();
    const socket = await connect(main, admin);
    const seen = await readState(main, 7, true);
    await socket.waitFor(1);
    await evictDurableObject(hubFor(env, main), { webSockets: "close" });
    const missed = [await readState(main, 7, false), await readState(main, 8, true)];
    const res = await call(`/api/live/events?after=${seen.cursor}&numberId=${main}`, { cookie: admin });
    expect(res.status).toBe(200);
    const body = await res.json<{ events: unknown[]; resync: boolean }>();
    expect(body).toEqual({ events: missed, resync: false });
    const again = await connect(main, admin);
    const next = await readState(main, 9, true);
    expect(await again.waitFor(1)).toEqual([next]);
  });

  it("refuses catch-up for a number the user may not see", async ({ expect }) => {
    const admin = await signInAdmin();
    expect(
      (await call(`/api/live/events?after=0&numberId=${other.number.id}`, { cookie: admin })).status,
    ).toBe(404);
  });
});

describe("access changes reach open sockets", () => {
  /** Resolves with the close code once the server closes the socket. */
  function closed(ws: WebSocket) {
    return new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
  }

  it("disabling a user closes their sockets at once (4001), and they cannot reconnect", async ({
    expect,
  }) => {
    const admin = await signInAdmin();
    const temp = await call("/api/admin/users", {
      cookie: admin,
      json: { email: "leaver@example.com", name: "Leaver", role: "admin", password: "leaving-soon-pass" },
    });
    const { user } = await temp.json<{ user: { id: number } }>();
    const cookie = await signIn("leaver@example.com", "leaving-soon-pass");
    const socket = await connect(main, cookie);
    const code = closed(socket.ws);
    await call(`/api/admin/users/${user.id}`, { method: "PATCH", cookie: admin, json: { active: false } });
    expect(await code).toBe(4001);
    expect((await openLive(main, cookie)).status).toBe(401);
  });

  it("signing out closes that user's sockets", async ({ expect }) => {
    const cookie = await signInStaff();
    const socket = await connect(main, cookie);
    const code = closed(socket.ws);
    await call("/api/auth/logout", { method: "POST", cookie });
    expect(await code).toBe(4001);
  });

  it("a socket older than the re-check age is closed instead of being sent the next event", async ({
    expect,
  }) => {
    const socket = await connect(main, await signInAdmin());
    const code = closed(socket.ws);
    await runInDurableObject(hubFor(env, main), (_instance, state) => {
      for (const ws of state.getWebSockets()) {
        ws.serializeAttachment({ userId: 1, connectedAt: Date.now() - MAX_SOCKET_AGE_MS - 1000 });
      }
    });
    await readState(main, 11, true);
    expect(await code).toBe(4001);
    expect(socket.events).toEqual([]);
  });
});
