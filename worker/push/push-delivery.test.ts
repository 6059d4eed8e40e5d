/**
 * Web Push end to end through the real webhook, the real Durable Object and a fake push service on loopback:
 * what arrives is decrypted with http_ece and the subscriber's own private key, the VAPID JWT is checked as a
 * push service would, and the plaintext holds nothing about the patient. Pushes run in waitUntil, so every
 * inbound text here is posted with `settle` (waitOnExecutionContext) before anything is asserted.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, grantStaff, seed, signInAdmin, signInStaff } from "../test/helpers";
import { count, eventually, postTwilio, twilioInbound } from "../test/carriers";
import { demoIds, type DemoIds } from "../test/messages-fixture";
import { openLive } from "../test/sockets";
import {
  fakePushService,
  newSubscriber,
  PUSH_ORIGIN,
  verifyVapid,
  type PushCall,
} from "../test/push-service";
import { hubFor } from "../messaging/hub";
import type { ClientFrame } from "../shared/live-protocol";
import { FAILING_REMOVE_AFTER_MS } from "../db/queries/push-subscriptions";

let ids: DemoIds;
let admin: string;
let staff: string;

beforeAll(async () => {
  await seed();
  ids = await demoIds();
  admin = await signInAdmin();
  await grantStaff(admin, [ids.westsideNumberId]);
  staff = await signInStaff();
});

async function subscribe(cookie: string, name: string) {
  const subscriber = newSubscriber(name);
  const res = await call("/api/push/subscriptions", { cookie, json: subscriber.json });
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${await res.text()}`);
  const { device } = await res.json<{ device: { id: number } }>();
  return { ...subscriber, id: device.id };
}

async function clearDevices() {
  await env.DB.prepare("delete from push_subscriptions").run();
}

/** A patient text to the Westside number (Twilio), settled: its pushes have been sent (or not) when this returns. */
async function inbound(body: string, from: string = DEMO.testPatientPhone) {
  const res = await postTwilio("/webhooks/twilio/messages", twilioInbound({ From: from, Body: body }), {
    settle: true,
  });
  if (res.status !== 200) throw new Error(`webhook: ${res.status}`);
}

async function conversationOf(phone: string) {
  const row = await env.DB.prepare("select id from conversations where number_id = ? and phone = ?")
    .bind(ids.westsideNumberId, phone)
    .first<{ id: number }>();
  if (!row) throw new Error("no conversation");
  return row.id;
}

const to = (calls: PushCall[], endpoint: string) => calls.filter((c) => c.url === endpoint);

describe("a patient text", () => {
  it("reaches every device encrypted (aes128gcm), VAPID-signed, and says nothing about the patient", async ({
    expect,
  }) => {
    await clearDevices();
    const adminPhone = await subscribe(admin, "admin-phone");
    const staffLaptop = await subscribe(staff, "staff-laptop");
    const calls = fakePushService();
    const text = "My rash is worse, can Dr Lee call me back?";
    const sentAt = Date.now();
    await inbound(text);

    expect(calls.map((c) => c.url).sort()).toEqual([adminPhone.endpoint, staffLaptop.endpoint].sort());
    const conversationId = await conversationOf(DEMO.testPatientPhone);
    const label = await env.DB.prepare("select label from clinic_numbers where id = ?")
      .bind(ids.westsideNumberId)
      .first<string>("label");
    const patient = await env.DB.prepare("select first_name, last_name from patients where phone = ?")
      .bind(DEMO.testPatientPhone)
      .first<{ first_name: string; last_name: string }>();
    if (!patient) throw new Error("the demo test patient is missing");

    for (const [subscriber, push] of [
      [adminPhone, to(calls, adminPhone.endpoint)[0]],
      [staffLaptop, to(calls, staffLaptop.endpoint)[0]],
    ] as const) {
      if (!push) throw new Error("no push");
      expect(push.headers.get("content-encoding")).toBe("aes128gcm");
      expect(push.headers.get("urgency")).toBe("high");
      expect(Number(push.headers.get("ttl"))).toBeGreaterThan(0);
      const plaintext = subscriber.decrypt(push.body);
      expect(JSON.parse(plaintext)).toEqual({
        title: `New text on ${label}`,
        body: DEMO.practice,
        url: `/queue?number=${ids.westsideNumberId}&conversation=${conversationId}`,
      });
      // Lock screens are public: not the patient's name, not their phone in any form, not a word of the text.
      for (const secret of [patient.first_name, patient.last_name, "5550001111", "555-0001", "rash", text]) {
        expect(plaintext).not.toContain(secret);
      }
      // The ciphertext is not the plaintext in disguise.
      expect(new TextDecoder().decode(push.body)).not.toContain("New text");

      const vapid = await verifyVapid(push, env.VAPID_PUBLIC_KEY, sentAt);
      expect(vapid.valid).toBe(true);
      expect(vapid.header).toEqual({ typ: "JWT", alg: "ES256" });
      expect(vapid.claims.aud).toBe(PUSH_ORIGIN);
      expect(vapid.claims.sub).toBe(env.VAPID_SUBJECT);
      const exp = Number(vapid.claims.exp);
      expect(exp).toBeGreaterThan(vapid.nowSeconds);
      expect(exp).toBeLessThanOrEqual(vapid.nowSeconds + 24 * 60 * 60);
    }
    // A signature check that can fail: the same token with another key does not verify.
    const forged = newSubscriber("x").json.keys.p256dh;
    const first = calls[0];
    if (!first) throw new Error("no push");
    await expect(verifyVapid(first, forged)).rejects.toThrow("k is not the VAPID public key");

    expect(await count("push_subscriptions", "last_success_at >= ? and failing_since is null", sentAt)).toBe(
      2,
    );
  });

  it("is not pushed to the user looking at that conversation, but still to the others", async ({
    expect,
  }) => {
    await clearDevices();
    const phone = "+15550007111";
    fakePushService();
    await inbound("first", phone);
    const conversationId = await conversationOf(phone);
    const adminPhone = await subscribe(admin, "admin-viewing");
    const staffPhone = await subscribe(staff, "staff-away");

    const res = await openLive(ids.westsideNumberId, admin);
    const ws = res.webSocket;
    if (!ws) throw new Error("no socket");
    ws.accept();
    try {
      ws.send(JSON.stringify({ v: 1, type: "viewing", conversationId } satisfies ClientFrame));
      await eventually(async () => {
        const viewers = await hubFor(env, ids.westsideNumberId).viewersOf(conversationId);
        if (!viewers.includes(ids.adminId)) throw new Error("not viewing yet");
      });
      const calls = fakePushService();
      await inbound("second", phone);
      expect(calls.map((c) => c.url)).toEqual([staffPhone.endpoint]);
      expect(to(calls, adminPhone.endpoint)).toEqual([]);
    } finally {
      ws.close(1000, "done");
    }
  });

  it("removes a subscription the push service says is gone (410, 404)", async ({ expect }) => {
    await clearDevices();
    const gone = await subscribe(admin, "gone");
    const unknown = await subscribe(admin, "unknown");
    const fine = await subscribe(staff, "fine");
    fakePushService(
      (c) =>
        new Response(null, {
          status: c.url === gone.endpoint ? 410 : c.url === unknown.endpoint ? 404 : 201,
        }),
    );
    await inbound("are you open saturday");
    const left = await env.DB.prepare("select id from push_subscriptions").all<{ id: number }>();
    expect(left.results.map((r) => r.id)).toEqual([fine.id]);
  });

  it("retries 429 and 5xx, then marks the device failing; 7 days of failing removes it", async ({
    expect,
  }) => {
    await clearDevices();
    const flaky = await subscribe(admin, "flaky");
    const down = await subscribe(staff, "down");
    const calls = fakePushService((c) => {
      if (c.url === flaky.endpoint) {
        const tries = to(calls, flaky.endpoint).length;
        return tries === 1
          ? new Response(null, { status: 429, headers: { "retry-after": "0" } })
          : new Response(null, { status: 201 });
      }
      return new Response(null, { status: 503, headers: { "retry-after": "0" } });
    });
    const before = Date.now();
    await inbound("one");
    expect(to(calls, flaky.endpoint)).toHaveLength(2);
    expect(to(calls, down.endpoint)).toHaveLength(3);
    const rows = await env.DB.prepare(
      "select id, last_success_at, failing_since from push_subscriptions order by id",
    ).all<{
      id: number;
      last_success_at: number | null;
      failing_since: number | null;
    }>();
    expect(rows.results).toEqual([
      { id: flaky.id, last_success_at: expect.any(Number) as unknown, failing_since: null },
      { id: down.id, last_success_at: null, failing_since: expect.any(Number) as unknown },
    ]);
    expect(rows.results[1]?.failing_since).toBeGreaterThanOrEqual(before);

    // The clock started a week ago: the next failure removes it.
    await env.DB.prepare("update push_subscriptions set failing_since = ? where id = ?")
      .bind(Date.now() - FAILING_REMOVE_AFTER_MS - 1000, down.id)
      .run();
    await inbound("two");
    expect(await count("push_subscriptions", "id = ?", down.id)).toBe(0);
    expect(await count("push_subscriptions", "id = ?", flaky.id)).toBe(1);
  });

  it("cuts off a push service that hangs, and the others are delivered", async ({ expect }) => {
    await clearDevices();
    const hanging = await subscribe(admin, "hanging");
    const quick = await subscribe(staff, "quick");
    fakePushService((c) => (c.url === hanging.endpoint ? "hang" : new Response(null, { status: 201 })));
    await inbound("hello?");
    const state = async (id: number) =>
      env.DB.prepare("select last_success_at, failing_since from push_subscriptions where id = ?")
        .bind(id)
        .first<{ last_success_at: number | null; failing_since: number | null }>();
    expect(await state(quick.id)).toEqual({
      last_success_at: expect.any(Number) as unknown,
      failing_since: null,
    });
    expect(await state(hanging.id)).toEqual({
      last_success_at: null,
      failing_since: expect.any(Number) as unknown,
    });
  });

  it("is not pushed to a user who muted alerts", async ({ expect }) => {
    await clearDevices();
    await subscribe(admin, "muted");
    const staffPhone = await subscribe(staff, "unmuted");
    const mute = await call("/api/auth/preferences", {
      method: "PATCH",
      cookie: admin,
      json: { muteAlerts: true },
    });
    expect(mute.status).toBe(200);
    try {
      const calls = fakePushService();
      await inbound("muted?");
      expect(calls.map((c) => c.url)).toEqual([staffPhone.endpoint]);
    } finally {
      await call("/api/auth/preferences", { method: "PATCH", cookie: admin, json: { muteAlerts: false } });
    }
  });
});
