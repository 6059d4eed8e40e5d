/**
 * The subscription API: a browser's PushSubscription stored once per endpoint, the user's device list, and
 * every bad input refused with a precise 4xx and nothing stored.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, errorOf, seed, signInAdmin, signInStaff } from "../test/helpers";
import { count } from "../test/carriers";
import { newSubscriber } from "../test/push-service";
import { subscriptionProblem } from "../push/subscription-input";
import { MAX_DEVICES } from "./push";

let admin: string;
let staff: string;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  staff = await signInStaff();
});

const post = (cookie: string, json: unknown) => call("/api/push/subscriptions", { cookie, json });

describe("POST /api/push/subscriptions", () => {
  it("stores a subscription (201), lists it, and a repeat refreshes it (200) without a second row", async ({
    expect,
  }) => {
    const device = newSubscriber("round-trip").json;
    const first = await post(admin, device);
    expect(first.status).toBe(201);
    const again = await post(admin, device);
    expect(again.status).toBe(200);
    expect(await count("push_subscriptions", "endpoint = ?", device.endpoint)).toBe(1);
    const list = await (
      await call("/api/push/subscriptions", { cookie: admin })
    ).json<{
      devices: { endpoint: string }[];
    }>();
    expect(list.devices.map((d) => d.endpoint)).toContain(device.endpoint);
    expect(await count("audit_log", "action = 'push.subscribe'")).toBeGreaterThanOrEqual(1);
  });

  it("refuses bad subscriptions with a precise 400 and stores nothing", async ({ expect }) => {
    const good = newSubscriber("bad-input").json;
    const point = Uint8Array.from(atob(good.keys.p256dh.replaceAll("-", "+").replaceAll("_", "/")), (c) =>
      c.charCodeAt(0),
    );
    const b64url = (bytes: Uint8Array) =>
      btoa(String.fromCharCode(...bytes))
        .replaceAll("+", "-")
        .replaceAll("/", "_")
        .replace(/=+$/, "");
    const offCurve = new Uint8Array(point);
    offCurve[64] = (offCurve[64] ?? 0) ^ 1;
    const compressed = new Uint8Array([2 + ((point[64] ?? 0) & 1), ...point.slice(1, 33)]);
    const cases: [string, unknown, string][] = [
      [
        "http, not loopback",
        { ...good, endpoint: "http://push.example.com/x" },
        "endpoint: must be an https URL",
      ],
      ["not a URL", { ...good, endpoint: "fcm-token-123" }, "endpoint: is not a URL"],
      ["ftp", { ...good, endpoint: "ftp://127.0.0.1/x" }, "endpoint: must be an https URL"],
      [
        "compressed point",
        { ...good, keys: { ...good.keys, p256dh: b64url(compressed) } },
        "keys.p256dh: is not an uncompressed",
      ],
      [
        "off the curve",
        { ...good, keys: { ...good.keys, p256dh: b64url(offCurve) } },
        "keys.p256dh: is not a point on the P-256 curve",
      ],
      [
        "not base64url",
        { ...good, keys: { ...good.keys, p256dh: "B$$$" } },
        "keys.p256dh: is not an uncompressed",
      ],
      [
        "auth of 15 bytes",
        { ...good, keys: { ...good.keys, auth: b64url(new Uint8Array(15)) } },
        "keys.auth: is not 16 bytes",
      ],
      ["no keys", { endpoint: good.endpoint }, "keys"],
    ];
    for (const [name, body, message] of cases) {
      const res = await post(admin, body);
      expect(res.status, name).toBe(400);
      expect((await errorOf(res))?.message, name).toContain(message);
    }
    expect(await count("push_subscriptions", "endpoint like ?", "%bad-input%")).toBe(0);
  });

  it("allows http only on loopback, and only where PUSH_ALLOW_LOOPBACK is on", async ({ expect }) => {
    const device = newSubscriber("loopback").json;
    expect(env.PUSH_ALLOW_LOOPBACK).toBe("true");
    expect(await subscriptionProblem(device, true)).toBeNull();
    expect(await subscriptionProblem(device, false)).toBe("endpoint: must be an https URL");
    expect(
      await subscriptionProblem({ ...device, endpoint: "https://fcm.googleapis.com/fcm/send/abc" }, false),
    ).toBeNull();
  });

  it(`refuses an eleventh device (409) but still refreshes one of the ${MAX_DEVICES}`, async ({ expect }) => {
    await env.DB.prepare(
      "delete from push_subscriptions where user_id = (select id from users where email = 'staff@example.com')",
    ).run();
    const devices = Array.from({ length: MAX_DEVICES }, (_, i) => newSubscriber(`limit-${i}`).json);
    for (const device of devices) expect((await post(staff, device)).status).toBe(201);
    const eleventh = await post(staff, newSubscriber("limit-extra").json);
    expect(eleventh.status).toBe(409);
    expect(await errorOf(eleventh)).toMatchObject({ code: "too_many_devices" });
    expect(await count("push_subscriptions", "endpoint like ?", "%limit-extra%")).toBe(0);
    expect((await post(staff, devices[0])).status).toBe(200);
  });
});

describe("DELETE /api/push/subscriptions/:id", () => {
  it("removes the caller's own device; another user's id is 404 and stays", async ({ expect }) => {
    await env.DB.prepare("delete from push_subscriptions").run();
    const mine = await (await post(admin, newSubscriber("mine").json)).json<{ device: { id: number } }>();
    const theirs = await (await post(staff, newSubscriber("theirs").json)).json<{ device: { id: number } }>();
    const refused = await call(`/api/push/subscriptions/${theirs.device.id}`, {
      method: "DELETE",
      cookie: admin,
    });
    expect(refused.status).toBe(404);
    expect(await count("push_subscriptions", "id = ?", theirs.device.id)).toBe(1);
    const removed = await call(`/api/push/subscriptions/${mine.device.id}`, {
      method: "DELETE",
      cookie: admin,
    });
    expect(removed.status).toBe(200);
    expect(await count("push_subscriptions", "id = ?", mine.device.id)).toBe(0);
    expect(
      await count("audit_log", "action = 'push.unsubscribe' and target_id = ?", String(mine.device.id)),
    ).toBe(1);
  });
});

describe("GET /api/push/vapid-public-key", () => {
  it("answers the server's public key", async ({ expect }) => {
    const res = await call("/api/push/vapid-public-key", { cookie: staff });
    expect(await res.json()).toEqual({ publicKey: env.VAPID_PUBLIC_KEY });
  });
});
