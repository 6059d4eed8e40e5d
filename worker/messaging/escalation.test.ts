/**
 * Escalation through the real pieces: patient texts to the simulator number (settled, so their background
 * work is done), the number's real Durable Object alarm (runDurableObjectAlarm), and the fake push service on
 * loopback, whose bodies are decrypted with http_ece and the subscriber's own key. Time is moved by setting
 * the episode's start (or the held alert's due time) into the past, never by sleeping, so "not before its
 * time" and "not again" are real checks.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, beforeEach, describe, it } from "vitest";
import { call, DEMO, errorOf, grantStaff, seed, signInAdmin, signInStaff } from "../test/helpers";
import { count, simulate } from "../test/carriers";
import { demoIds, type DemoIds } from "../test/messages-fixture";
import { fakePushService, newSubscriber, type PushCall } from "../test/push-service";
import { seedOtherPractice } from "../test/other-practice";
import { hubFor } from "./hub";
import { ESCALATION_QUIET_MS, rearmOverdueEscalations } from "./escalation";
import { createDb } from "../db/client";

let ids: DemoIds;
let admin: string;
let staff: string;
const DOCTOR = "+15550008002";
const MINUTE = 60_000;

beforeAll(async () => {
  await seed();
  ids = await demoIds();
  admin = await signInAdmin();
  await grantStaff(admin, [ids.mainNumberId]);
  staff = await signInStaff();
});

beforeEach(async () => {
  await env.DB.prepare("delete from push_subscriptions").run();
  // Each test starts outside any quiet period.
  await env.DB.prepare(
    "update clinic_numbers set last_escalation_at = null, last_after_hours_alert_at = null",
  ).run();
});

type Subscriber = ReturnType<typeof newSubscriber>;

async function subscribe(cookie: string, name: string): Promise<Subscriber> {
  const subscriber = newSubscriber(name);
  const res = await call("/api/push/subscriptions", { cookie, json: subscriber.json });
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${await res.text()}`);
  return subscriber;
}

const setEscalation = (json: Record<string, unknown>, numberId = ids.mainNumberId) =>
  call(`/api/admin/numbers/${numberId}/escalation`, { method: "PUT", cookie: admin, json });

/** Office hours off (null): never after hours, so every unanswered text escalates. */
async function alwaysOpen() {
  const res = await call(`/api/admin/numbers/${ids.mainNumberId}/after-hours`, {
    method: "PUT",
    cookie: admin,
    json: { officeHours: null, alertPhones: [], quietMinutes: 15 },
  });
  if (res.status !== 200) throw new Error(`after-hours: ${res.status}`);
}

/** Closed every day, the doctor's phone alerted. */
async function alwaysClosed() {
  const res = await call(`/api/admin/numbers/${ids.mainNumberId}/after-hours`, {
    method: "PUT",
    cookie: admin,
    json: { officeHours: {}, alertPhones: [DOCTOR], quietMinutes: 15 },
  });
  if (res.status !== 200) throw new Error(`after-hours: ${res.status}`);
}

let phoneSeq = 0;
/** A phone no other test texts from. */
const freshPhone = () => `+1555000${String(7300 + phoneSeq++).padStart(4, "0")}`;

async function patientTexts(phone: string, body: string) {
  const res = await simulate(phone, body, DEMO.mainNumber, { settle: true });
  if (res.status !== 201) throw new Error(`simulate: ${res.status} ${await res.text()}`);
  const row = await env.DB.prepare("select id from conversations where number_id = ? and phone = ?")
    .bind(ids.mainNumberId, phone)
    .first<{ id: number }>();
  if (!row) throw new Error("no conversation");
  return row.id;
}

type Episode = { unanswered_since: number | null; escalated_at: number | null; alert_due_at: number | null };
const episodeOf = async (conversationId: number) => {
  const row = await env.DB.prepare(
    "select unanswered_since, escalated_at, alert_due_at from conversations where id = ?",
  )
    .bind(conversationId)
    .first<Episode>();
  if (!row) throw new Error("no conversation");
  return row;
};

/** As if `minutes` had gone by: the episode and the thread's texts move back together. */
const age = (conversationId: number, minutes: number) =>
  env.DB.batch([
    env.DB.prepare("update conversations set unanswered_since = unanswered_since - ? where id = ?").bind(
      minutes * MINUTE,
      conversationId,
    ),
    env.DB.prepare("update messages set created_at = created_at - ? where conversation_id = ?").bind(
      minutes * MINUTE,
      conversationId,
    ),
  ]);

/** Runs the number's alarm now, arming it first if nothing had (a test asking "does it push again?"). */
async function ringAlarm() {
  const hub = hubFor(env, ids.mainNumberId);
  await hub.scheduleDrain(ids.mainNumberId, Date.now());
  return runDurableObjectAlarm(hub);
}

const titles = (calls: PushCall[], subscriber: Subscriber) =>
  calls
    .filter((c) => c.url === subscriber.endpoint)
    .map((c) => (JSON.parse(subscriber.decrypt(c.body)) as { title: string }).title);

const escalations = (calls: PushCall[], subscriber: Subscriber) =>
  titles(calls, subscriber).filter((t) => t.startsWith("Unanswered"));

const pushedAudits = () =>
  count("audit_log", "action = 'escalation.pushed' and target_id = ?", String(ids.mainNumberId));

describe("escalation during office hours", () => {
  beforeEach(async () => {
    await alwaysOpen();
    expect200(await setEscalation({ enabled: true, minutes: 10 }));
  });

  it("pushes everyone on the number once, after N minutes, through the real alarm, naming no patient", async ({
    expect,
  }) => {
    const adminPhone = await subscribe(admin, "esc-admin");
    const staffPhone = await subscribe(staff, "esc-staff");
    const calls = fakePushService();
    const phone = freshPhone();
    const text = "Is my biopsy result back?";
    const conversationId = await patientTexts(phone, text);
    // The text armed the number's alarm for its due time.
    const episode = await episodeOf(conversationId);
    expect(episode.unanswered_since).not.toBeNull();
    expect(episode.escalated_at).toBeNull();

    // Not before its time: the alarm rings and nothing is pushed.
    expect(await runDurableObjectAlarm(hubFor(env, ids.mainNumberId))).toBe(true);
    expect(escalations(calls, adminPhone)).toEqual([]);

    await age(conversationId, 11);
    const auditsBefore = await pushedAudits();
    expect(await ringAlarm()).toBe(true);
    expect(escalations(calls, adminPhone)).toEqual(["Unanswered text on Main office for 10 minutes"]);
    expect(escalations(calls, staffPhone)).toEqual(["Unanswered text on Main office for 10 minutes"]);
    const push = calls.filter((c) => c.url === adminPhone.endpoint).at(-1);
    if (!push) throw new Error("no push");
    const plaintext = adminPhone.decrypt(push.body);
    expect(JSON.parse(plaintext)).toEqual({
      title: "Unanswered text on Main office for 10 minutes",
      body: DEMO.practice,
      url: `/queue?number=${ids.mainNumberId}&conversation=${conversationId}`,
    });
    for (const secret of [phone, phone.slice(2), "biopsy", text]) expect(plaintext).not.toContain(secret);
    expect(await pushedAudits()).toBe(auditsBefore + 1);
    const audit = await env.DB.prepare(
      "select detail from audit_log where action = 'escalation.pushed' order by id desc limit 1",
    ).first<{ detail: string }>();
    expect(JSON.parse(audit?.detail ?? "{}")).toEqual({ devices: 2, conversations: 1 });
    expect((await episodeOf(conversationId)).escalated_at).not.toBeNull();

    // Idempotent: the alarm again (and a second unanswered text of the same episode) pushes nothing more.
    await ringAlarm();
    await patientTexts(phone, "Hello?");
    await age(conversationId, 30);
    await ringAlarm();
    expect(escalations(calls, adminPhone)).toHaveLength(1);
    expect(await pushedAudits()).toBe(auditsBefore + 1);
  });

  it("a staff reply ends the episode: no push; a patient text after it starts a new one", async ({
    expect,
  }) => {
    const adminPhone = await subscribe(admin, "esc-reply");
    const calls = fakePushService();
    const conversationId = await patientTexts(freshPhone(), "Can I move my appointment?");
    const reply = await call(`/api/conversations/${conversationId}/messages`, {
      cookie: staff,
      json: { body: "Sure, what day suits you?", idempotencyKey: `esc-reply-${conversationId}` },
    });
    expect(reply.status).toBe(201);
    await age(conversationId, 11);
    await ringAlarm();
    expect(escalations(calls, adminPhone)).toEqual([]);
    expect((await episodeOf(conversationId)).unanswered_since).toBeNull();

    // The patient answers the reply: a new episode, which escalates in its turn.
    await patientTexts(await phoneOf(conversationId), "Thursday please");
    const fresh = await episodeOf(conversationId);
    expect(fresh.unanswered_since).not.toBeNull();
    await age(conversationId, 11);
    await ringAlarm();
    expect(escalations(calls, adminPhone)).toHaveLength(1);
  });

  it("no push when the conversation was marked Done, or snoozed", async ({ expect }) => {
    const adminPhone = await subscribe(admin, "esc-done");
    const calls = fakePushService();
    const done = await patientTexts(freshPhone(), "Thanks!");
    const snoozed = await patientTexts(freshPhone(), "I will call tomorrow");
    const state = (id: number, json: Record<string, unknown>) =>
      call(`/api/conversations/${id}/state`, { cookie: staff, json });
    expect((await state(done, { state: "done" })).status).toBe(200);
    expect((await state(snoozed, { state: "snoozed", preset: "1h" })).status).toBe(200);
    await age(done, 11);
    await age(snoozed, 11);
    await ringAlarm();
    expect(escalations(calls, adminPhone)).toEqual([]);
    expect((await episodeOf(done)).unanswered_since).toBeNull();
    expect((await episodeOf(snoozed)).unanswered_since).toBeNull();
  });

  it("is throttled per number: a second episode inside the quiet time waits for its end", async ({
    expect,
  }) => {
    const adminPhone = await subscribe(admin, "esc-throttle");
    const calls = fakePushService();
    const first = await patientTexts(freshPhone(), "First question");
    await age(first, 11);
    await ringAlarm();
    expect(escalations(calls, adminPhone)).toHaveLength(1);

    const second = await patientTexts(freshPhone(), "Second question");
    await age(second, 11);
    await ringAlarm();
    expect(escalations(calls, adminPhone)).toHaveLength(1);
    expect((await episodeOf(second)).escalated_at).toBeNull();
    // The quiet time is over: the waiting episode gets its push.
    await env.DB.prepare("update clinic_numbers set last_escalation_at = last_escalation_at - ? where id = ?")
      .bind(ESCALATION_QUIET_MS + 1000, ids.mainNumberId)
      .run();
    await ringAlarm();
    expect(escalations(calls, adminPhone)).toHaveLength(2);
  });

  it("a lost alarm is re-armed by the hourly cron", async ({ expect }) => {
    const adminPhone = await subscribe(admin, "esc-rearm");
    const calls = fakePushService();
    const conversationId = await patientTexts(freshPhone(), "Anyone there?");
    // The alarm that text armed is dropped, as if the object had lost it.
    await runInDurableObject(hubFor(env, ids.mainNumberId), (_hub, state) => state.storage.deleteAlarm());
    await age(conversationId, 20);
    expect(await rearmOverdueEscalations(createDb(env.DB), env, Date.now())).toBeGreaterThanOrEqual(1);
    expect(await runDurableObjectAlarm(hubFor(env, ids.mainNumberId))).toBe(true);
    expect(escalations(calls, adminPhone)).toHaveLength(1);
  });
});

describe("escalation off", () => {
  it("never pushes, and drops what was running so it cannot fire when turned on", async ({ expect }) => {
    await alwaysOpen();
    expect200(await setEscalation({ enabled: false }));
    const adminPhone = await subscribe(admin, "esc-off");
    const calls = fakePushService();
    const conversationId = await patientTexts(freshPhone(), "Hello there");
    expect((await episodeOf(conversationId)).unanswered_since).toBeNull();
    // An episode left from when it was on, long overdue.
    await env.DB.prepare("update conversations set unanswered_since = ? where id = ?")
      .bind(Date.now() - 60 * MINUTE, conversationId)
      .run();
    await ringAlarm();
    expect(escalations(calls, adminPhone)).toEqual([]);
    expect((await episodeOf(conversationId)).unanswered_since).toBeNull();
  });
});

describe("after hours with users pushed first", () => {
  const alerts = (phone = DOCTOR) =>
    count(
      "messages",
      "kind = 'alert' and conversation_id in (select id from conversations where phone = ?)",
      phone,
    );

  beforeEach(async () => {
    await alwaysClosed();
    expect200(
      await setEscalation({
        enabled: true,
        minutes: 10,
        afterHoursPushUserIds: [ids.adminId],
        afterHoursWaitMinutes: 5,
      }),
    );
  });

  /** As if the wait had passed. */
  const due = (conversationId: number) =>
    env.DB.prepare("update conversations set alert_due_at = ? where id = ?")
      .bind(Date.now() - 1000, conversationId)
      .run();

  it("pushes the chosen users now and texts the doctor only when nobody opened it within M minutes", async ({
    expect,
  }) => {
    const adminPhone = await subscribe(admin, "ah-admin");
    const staffPhone = await subscribe(staff, "ah-staff");
    const calls = fakePushService();
    const before = await alerts();
    const conversationId = await patientTexts(freshPhone(), "Bleeding after my extraction");
    expect(titles(calls, adminPhone)).toContain("After-hours text on Main office");
    // Only the chosen users get that push (the staff still get the ordinary new-text one).
    expect(titles(calls, staffPhone)).not.toContain("After-hours text on Main office");
    expect(await alerts()).toBe(before);
    const held = await episodeOf(conversationId);
    expect(held.alert_due_at).toBeGreaterThan(Date.now() + 4 * MINUTE);

    // Not before its time.
    await ringAlarm();
    expect(await alerts()).toBe(before);
    await due(conversationId);
    await ringAlarm();
    expect(await alerts()).toBe(before + 1);
    expect((await episodeOf(conversationId)).alert_due_at).toBeNull();
    // Once: the alarm again sends nothing more.
    await ringAlarm();
    expect(await alerts()).toBe(before + 1);
  });

  it("sends nothing when someone opened the conversation in time", async ({ expect }) => {
    fakePushService();
    const before = await alerts();
    const conversationId = await patientTexts(freshPhone(), "Question about my bill");
    expect(
      (await call(`/api/conversations/${conversationId}/read`, { method: "POST", cookie: staff })).status,
    ).toBe(200);
    await due(conversationId);
    await ringAlarm();
    expect(await alerts()).toBe(before);
    expect(
      await count("audit_log", "action = 'alert.withheld_opened' and target_id = ?", String(conversationId)),
    ).toBe(1);
  });
});

describe("the admin route", () => {
  it("reads the setting (off by default) with the users who may be pushed first", async ({ expect }) => {
    const res = await call(`/api/admin/numbers/${ids.westsideNumberId}/escalation`, { cookie: admin });
    expect(res.status).toBe(200);
    const body = await res.json<{ escalation: unknown; users: { id: number; name: string }[] }>();
    expect(body.escalation).toEqual({
      enabled: false,
      minutes: 10,
      afterHoursPushUserIds: [],
      afterHoursWaitMinutes: 5,
    });
    expect(body.users.map((u) => u.id)).toContain(ids.adminId);
    expect(
      (await call(`/api/admin/numbers/${ids.westsideNumberId}/escalation`, { cookie: staff })).status,
    ).toBe(403);
  });

  it("refuses bad minutes and users who cannot see the number, precisely; audits a save", async ({
    expect,
  }) => {
    const numberId = ids.westsideNumberId;
    for (const [json, field] of [
      [{ enabled: true, minutes: 0 }, "minutes"],
      [{ enabled: true, minutes: 241 }, "minutes"],
      [{ enabled: true, minutes: 2.5 }, "minutes"],
      [{ enabled: true, afterHoursWaitMinutes: 121 }, "afterHoursWaitMinutes"],
      [{ enabled: "yes" }, "enabled"],
    ] as const) {
      const res = await setEscalation(json, numberId);
      expect(res.status).toBe(400);
      expect((await errorOf(res))?.message).toContain(field);
    }
    const other = await seedOtherPractice();
    const foreign = await setEscalation({ enabled: true, afterHoursPushUserIds: [other.admin.id] }, numberId);
    expect(foreign.status).toBe(400);
    expect((await errorOf(foreign))?.message).toBe(
      `afterHoursPushUserIds: user ${other.admin.id} is not an active user of this practice who can see this number`,
    );
    // The staff user is granted the main number only, not Westside.
    const noAccess = await setEscalation({ enabled: true, afterHoursPushUserIds: [ids.staffId] }, numberId);
    expect(noAccess.status).toBe(400);
    expect(await count("audit_log", "action = 'number.escalation' and target_id = ?", String(numberId))).toBe(
      0,
    );
    const unchanged = await env.DB.prepare("select escalation from clinic_numbers where id = ?")
      .bind(numberId)
      .first<{ escalation: string | null }>();
    expect(unchanged?.escalation).toBeNull();

    const ok = await setEscalation(
      { enabled: true, minutes: 15, afterHoursPushUserIds: [ids.adminId, ids.adminId] },
      numberId,
    );
    expect(ok.status).toBe(200);
    expect((await ok.json<{ escalation: unknown }>()).escalation).toEqual({
      enabled: true,
      minutes: 15,
      afterHoursPushUserIds: [ids.adminId],
      afterHoursWaitMinutes: 5,
    });
    const audit = await env.DB.prepare(
      "select user_id, detail from audit_log where action = 'number.escalation' and target_id = ?",
    )
      .bind(String(numberId))
      .first<{ user_id: number; detail: string }>();
    expect(audit?.user_id).toBe(ids.adminId);
    expect(JSON.parse(audit?.detail ?? "{}")).toEqual({
      enabled: true,
      minutes: 15,
      afterHoursPushUsers: 1,
      afterHoursWaitMinutes: 5,
    });
    expect((await setEscalation({ enabled: true }, other.number.id)).status).toBe(404);
  });
});

function expect200(res: Response) {
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}`);
}

async function phoneOf(conversationId: number) {
  const row = await env.DB.prepare("select phone from conversations where id = ?")
    .bind(conversationId)
    .first<{ phone: string }>();
  if (!row) throw new Error("no conversation");
  return row.phone;
}
