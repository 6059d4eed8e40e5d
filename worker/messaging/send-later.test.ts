import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, it, vi } from "vitest";
import { call, DEMO, errorOf, seed, signInAdmin } from "../test/helpers";
import { resolvePreset } from "../domain/time-presets";
import { wallClock } from "../domain/zoned-time";
import { count, fakeCarrier, postTwilio, randomSid, twilioInbound } from "../test/carriers";
import { demoNumbers } from "../test/messages-fixture";
import { createDb } from "../db/client";
import { hubFor } from "./hub";
import { rearmOverdueDrains } from "./outbound-drain";
import { PATIENT_TEXTED_FIRST } from "./scheduled-texts";

/**
 * Send later through the real number's alarm (runDurableObjectAlarm) and the fake Twilio API: time is moved
 * by setting the text's send_after into the past, never by sleeping, so "not before its time" is a real check.
 */
type Msg = {
  id: number;
  status: string;
  body: string;
  sendAfter: number | null;
  cancelOnReply: boolean;
  errorCode: string | null;
  errorReason: string | null;
  authorUserId: number | null;
};

let admin: string;
let westside: number;
let fake: ReturnType<typeof fakeCarrier>;
const HOUR = 3_600_000;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  ({ westside } = await demoNumbers());
});
afterEach(() => {
  fake.restore();
  vi.restoreAllMocks();
});

const accepted = () => Response.json({ sid: randomSid(), status: "queued" }, { status: 201 });
const hub = () => hubFor(env, westside);

/** The carrier calls that carried this text. */
const sendsOf = (body: string) =>
  fake.calls.filter((c) => c.method === "POST" && new URLSearchParams(c.body).get("Body") === body);

/** A conversation on the Twilio number, started by the patient (the webhook's follow-ups settled). */
async function conversationWith(phone: string) {
  await patientTexts(phone, "Hello");
  const row = await env.DB.prepare("select id from conversations where number_id = ? and phone = ?")
    .bind(westside, phone)
    .first<{ id: number }>();
  if (!row) throw new Error("no conversation");
  return row.id;
}

async function patientTexts(phone: string, body: string) {
  const res = await postTwilio("/webhooks/twilio/messages", twilioInbound({ From: phone, Body: body }), {
    settle: true,
  });
  if (res.status !== 200) throw new Error(`inbound: ${res.status}`);
}

function schedule(conversationId: number, json: Record<string, unknown>) {
  return call(`/api/conversations/${conversationId}/messages`, {
    cookie: admin,
    json: { idempotencyKey: crypto.randomUUID(), ...json },
  });
}

async function scheduled(conversationId: number, json: Record<string, unknown>) {
  const res = await schedule(conversationId, json);
  if (res.status !== 201) throw new Error(`schedule: ${res.status} ${await res.text()}`);
  return (await res.json<{ message: Msg }>()).message;
}

async function row(id: number) {
  const found = await env.DB.prepare(
    "select status, send_after as sendAfter, error_code as errorCode, error_reason as errorReason, carrier_message_id as carrierId, body from messages where id = ?",
  )
    .bind(id)
    .first<{
      status: string;
      sendAfter: number | null;
      errorCode: string | null;
      errorReason: string | null;
      carrierId: string | null;
      body: string;
    }>();
  if (!found) throw new Error("no message");
  return found;
}

/** The text's time has come: its send_after moves into the past. */
async function makeDue(id: number) {
  await env.DB.prepare("update messages set send_after = ? where id = ? and send_after is not null")
    .bind(Date.now() - 1_000, id)
    .run();
}

const alarmAt = () => runInDurableObject(hub(), (_instance, state) => state.storage.getAlarm());

describe("send later through the number's alarm", () => {
  it("arms the alarm for its time, does not send before it, and sends once when it comes", async ({
    expect,
  }) => {
    fake = fakeCarrier(accepted);
    const conversation = await conversationWith("+15550170001");
    const sendAt = Date.now() + HOUR;
    const message = await scheduled(conversation, { body: "Your x-ray is ready", sendAt });
    expect(message).toMatchObject({ status: "queued", sendAfter: sendAt, cancelOnReply: true });
    expect(message.authorUserId).not.toBeNull();
    expect(await alarmAt()).toBe(sendAt);

    // The alarm rings early (another text, a webhook): nothing goes, and it is armed again for the time.
    await runDurableObjectAlarm(hub());
    expect(sendsOf("Your x-ray is ready")).toHaveLength(0);
    expect((await row(message.id)).status).toBe("queued");
    expect(await alarmAt()).toBe(sendAt);

    await makeDue(message.id);
    await runDurableObjectAlarm(hub());
    expect(sendsOf("Your x-ray is ready")).toHaveLength(1);
    const sent = await row(message.id);
    expect(sent.sendAfter).toBeNull();
    expect(sent.carrierId).toMatch(/^SM/);
    await runDurableObjectAlarm(hub());
    expect(sendsOf("Your x-ray is ready")).toHaveLength(1);
    expect(
      await count("audit_log", "action = 'message.schedule' and target_id = ?", String(message.id)),
    ).toBe(1);
    expect(
      await count(
        "audit_log",
        "action = 'message.send' and target_id = ? and user_id is not null and json_extract(detail, '$.via') = 'scheduled'",
        String(message.id),
      ),
    ).toBe(1);
  });

  it("is sent exactly once when the object is evicted at the due time and its alarm runs again", async ({
    expect,
  }) => {
    fake = fakeCarrier(accepted);
    const conversation = await conversationWith("+15550170002");
    const message = await scheduled(conversation, { body: "Evicted at due time", sendAt: Date.now() + HOUR });
    await makeDue(message.id);
    // The object is gone from memory when the time comes; the stored alarm wakes a fresh instance.
    await alarmAt();
    await evictDurableObject(hub());
    expect(await runDurableObjectAlarm(hub())).toBe(true);
    expect(sendsOf("Evicted at due time")).toHaveLength(1);
    // Evicted again right after the send, then the alarm runs again (the runtime's retry of an alarm whose
    // object died, or the hourly cron's re-arm): the claimed text has no send_after left to pick up.
    await hub().scheduleDrain(westside, Date.now() + HOUR);
    await evictDurableObject(hub());
    expect(await runDurableObjectAlarm(hub())).toBe(true);
    await rearmOverdueDrains(createDb(env.DB), env, Date.now() + HOUR);
    await runDurableObjectAlarm(hub());
    expect(sendsOf("Evicted at due time")).toHaveLength(1);
    expect((await row(message.id)).sendAfter).toBeNull();
  });

  it("is cancelled with an event line when the patient texts first, and never sent", async ({ expect }) => {
    fake = fakeCarrier(accepted);
    const conversation = await conversationWith("+15550170003");
    const message = await scheduled(conversation, { body: "Call us back", preset: "1h" });
    await patientTexts("+15550170003", "I will come by at noon");
    expect(await row(message.id)).toMatchObject({ status: "cancelled", sendAfter: null });
    const line = await env.DB.prepare(
      "select direction, kind, status, body, carrier_message_id as carrierId from messages where conversation_id = ? and kind = 'event'",
    )
      .bind(conversation)
      .first();
    expect(line).toEqual({
      direction: "internal",
      kind: "event",
      status: "recorded",
      body: PATIENT_TEXTED_FIRST,
      carrierId: null,
    });
    // The line does not move the conversation: the patient's text is still its preview and latest time.
    const convo = await env.DB.prepare(
      "select last_message_preview as preview, unread, last_message_at as at from conversations where id = ?",
    )
      .bind(conversation)
      .first<{ preview: string; unread: number; at: number }>();
    const latestIn = await env.DB.prepare(
      "select max(created_at) as at from messages where conversation_id = ? and direction = 'in'",
    )
      .bind(conversation)
      .first<{ at: number }>();
    expect(convo).toMatchObject({ preview: "I will come by at noon", unread: 1, at: latestIn?.at });
    expect(
      await count(
        "live_events",
        "type = 'message_status' and json_extract(payload, '$.messageId') = ? and json_extract(payload, '$.status') = 'cancelled'",
        message.id,
      ),
    ).toBe(1);
    expect(
      await count(
        "live_events",
        "type = 'message' and json_extract(payload, '$.conversationId') = ? and json_extract(payload, '$.message.kind') = 'event'",
        conversation,
      ),
    ).toBe(1);
    await runDurableObjectAlarm(hub());
    expect(sendsOf("Call us back")).toHaveLength(0);
    expect(
      await count("audit_log", "action = 'message.schedule_cancel' and target_id = ?", String(message.id)),
    ).toBe(1);
  });

  it("unticked, it still goes after the patient texts", async ({ expect }) => {
    fake = fakeCarrier(accepted);
    const conversation = await conversationWith("+15550170004");
    const message = await scheduled(conversation, {
      body: "Sent anyway",
      sendAt: Date.now() + HOUR,
      cancelOnReply: false,
    });
    await patientTexts("+15550170004", "Thanks");
    expect((await row(message.id)).status).toBe("queued");
    await makeDue(message.id);
    await runDurableObjectAlarm(hub());
    expect(sendsOf("Sent anyway")).toHaveLength(1);
  });

  it("an opt-out while it waits: not sent, and the thread shows why", async ({ expect }) => {
    fake = fakeCarrier(accepted);
    const conversation = await conversationWith("+15550170005");
    const message = await scheduled(conversation, { body: "Opted out meanwhile", sendAt: Date.now() + HOUR });
    // STOP is not the patient answering: the text stays scheduled, and the send-time check refuses it.
    await patientTexts("+15550170005", "STOP");
    expect((await row(message.id)).status).toBe("queued");
    await makeDue(message.id);
    await runDurableObjectAlarm(hub());
    expect(sendsOf("Opted out meanwhile")).toHaveLength(0);
    expect(await row(message.id)).toMatchObject({ status: "failed", errorCode: "opted_out" });
    const res = await call(`/api/conversations/${conversation}/messages`, { cookie: admin });
    const shown = (await res.json<{ messages: Msg[] }>()).messages.find((m) => m.id === message.id);
    expect(shown).toMatchObject({ status: "failed", errorCode: "opted_out", sendAfter: null });
    expect(shown?.errorReason).toMatch(/^Not sent: the phone opted out/);
  });
});

describe("editing and cancelling a scheduled text", () => {
  it("edits while it waits, cancels, and answers 409 with the text's id once it went or was cancelled", async ({
    expect,
  }) => {
    fake = fakeCarrier(accepted);
    const conversation = await conversationWith("+15550170006");
    const first = await scheduled(conversation, { body: "Draft one", sendAt: Date.now() + HOUR });
    const later = Date.now() + 2 * HOUR;
    const edit = (id: number, json: Record<string, unknown>) =>
      call(`/api/conversations/${conversation}/scheduled/${id}`, { method: "PATCH", cookie: admin, json });
    const cancel = (id: number) =>
      call(`/api/conversations/${conversation}/scheduled/${id}/cancel`, { method: "POST", cookie: admin });

    const edited = await edit(first.id, { body: "Draft two", sendAt: later, cancelOnReply: false });
    expect(edited.status).toBe(200);
    expect((await edited.json<{ message: Msg }>()).message).toMatchObject({
      id: first.id,
      body: "Draft two",
      sendAfter: later,
      cancelOnReply: false,
    });
    expect((await edit(first.id, { sendAt: Date.now() - 5_000 })).status).toBe(400);

    await makeDue(first.id);
    await runDurableObjectAlarm(hub());
    expect(sendsOf("Draft two")).toHaveLength(1);
    // A stale screen edits the text that already went: 409 naming it; nothing changes, nothing is resent.
    const stale = await edit(first.id, { body: "Draft three" });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ error: { code: "already_sent" }, messageId: first.id });
    expect((await cancel(first.id)).status).toBe(409);
    expect((await row(first.id)).body).toBe("Draft two");

    const second = await scheduled(conversation, { body: "Never mind", sendAt: Date.now() + HOUR });
    const cancelled = await cancel(second.id);
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json<{ message: Msg }>()).message.status).toBe("cancelled");
    const again = await edit(second.id, { body: "Oh wait" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: "already_cancelled" }, messageId: second.id });
    expect(
      await count("audit_log", "action = 'message.schedule_edit' and target_id = ?", String(first.id)),
    ).toBe(1);
    await runDurableObjectAlarm(hub());
    expect(sendsOf("Never mind")).toHaveLength(0);

    // The practice system's own queued texts are not the front desk's to edit.
    expect((await edit(999_999, { body: "x" })).status).toBe(404);
  });

  it("refuses a time in the past, more than 90 days ahead, or both a time and a preset (400)", async ({
    expect,
  }) => {
    fake = fakeCarrier(accepted);
    const conversation = await conversationWith("+15550170007");
    const past = await schedule(conversation, { body: "Too late", sendAt: Date.now() - 60_000 });
    expect(past.status).toBe(400);
    expect(await errorOf(past)).toMatchObject({ code: "send_at_past" });
    const far = await schedule(conversation, { body: "Too far", sendAt: Date.now() + 91 * 24 * HOUR });
    expect(far.status).toBe(400);
    expect(await errorOf(far)).toMatchObject({ code: "send_at_too_far" });
    const both = await schedule(conversation, { body: "Both", sendAt: Date.now() + HOUR, preset: "1h" });
    expect(both.status).toBe(400);
    expect(await count("messages", "body in ('Too late', 'Too far', 'Both')")).toBe(0);

    // A wall time from the screen's datetime-local field is read on the number's clock (Chicago).
    const tomorrow = resolvePreset("tomorrow", {
      now: Date.now(),
      timeZone: DEMO.timezone,
      officeHours: null,
    });
    const wall = wallClock(tomorrow, DEMO.timezone);
    const pad = (n: number) => String(n).padStart(2, "0");
    const local = await scheduled(conversation, {
      body: "On the wall clock",
      sendAtLocal: `${wall.year}-${pad(wall.month)}-${pad(wall.day)}T08:00`,
    });
    expect(local.sendAfter).toBe(tomorrow);
  });
});
