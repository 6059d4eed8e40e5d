import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, seed, signInAdmin } from "../test/helpers";
import { count, eventually, simulate } from "../test/carriers";
import { api, sendApi } from "../test/practice-api";
import { keyWithWebhook, pmsEndpoint } from "../test/pms-webhooks";
import type { LiveMessage } from "../shared/live-protocol";
import { optedOutLine } from "./reminder-replies";

let secret: string;
let cookie: string;
let numberId: number;

const DAY = 86_400_000;
const inDays = (days: number, hour = 9, minute = 30) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour + 5, minute, 0, 0);
  return d.toISOString();
};

beforeAll(async () => {
  await seed();
  ({ secret, cookie } = await keyWithWebhook());
  cookie = cookie || (await signInAdmin());
  numberId =
    (
      await env.DB.prepare("select id from clinic_numbers where e164 = ?")
        .bind(DEMO.mainNumber)
        .first<{ id: number }>()
    )?.id ?? 0;
});

async function patients(list: { externalId: string; firstName: string; phone: string }[]) {
  const res = await api(secret, "/patients", {
    patients: list.map((p) => ({ ...p, lastName: "Family" })),
  });
  if (res.status >= 300) throw new Error(`patients: ${res.status} ${await res.text()}`);
}

/** Sends reminders that expect confirmation and waits until the number's drain has sent them. */
async function remind(recipients: Record<string, unknown>[]) {
  const sent = await sendApi(secret, {
    from: DEMO.mainNumber,
    kind: "reminder",
    body: "Your appointment is coming up. Reply C to confirm, R to reschedule.",
    expects: "confirmation",
    recipients,
  });
  if (sent.status !== 202) throw new Error(`send: ${sent.status}`);
  await runDurableObjectAlarm(env.CLINIC_NUMBER_HUB.getByName(String(numberId)));
  const ids = sent.results.map((r) => r.messageId ?? 0);
  await eventually(async () => {
    const waiting = await count(
      "messages",
      `id in (${ids.join(",")}) and (send_after is not null or status not in ('sent', 'delivered'))`,
    );
    if (waiting > 0) throw new Error("reminders not sent yet");
  });
  return ids;
}

async function response(reminderId: number) {
  const res = await api(secret, `/messages/${reminderId}`);
  const { message } = await res.json<{
    message: {
      response: { intent: string; messageId: number; receivedAt: number } | null;
      appointment: unknown;
    };
  }>();
  return message;
}

async function threadOf(phone: string) {
  const row = await env.DB.prepare("select id from conversations where number_id = ? and phone = ?")
    .bind(numberId, phone)
    .first<{ id: number }>();
  const conversationId = row?.id ?? 0;
  const res = await call(`/api/conversations/${conversationId}/messages`, { cookie });
  const { messages } = await res.json<{ messages: LiveMessage[] }>();
  return { conversationId, messages: messages.reverse() };
}

async function queueRow(phone: string, attention: boolean) {
  const res = await call(
    `/api/queue/numbers/${numberId}/conversations?attention=${String(attention)}&limit=100`,
    { cookie },
  );
  const { conversations } = await res.json<{
    conversations: { phone: string; needsAttention: boolean }[];
  }>();
  return conversations.find((c) => c.phone === phone);
}

describe("replies to reminders that expect an answer", () => {
  it("a single C confirms: the reply's chip, the reminder's response, the webhook", async ({ expect }) => {
    const received = pmsEndpoint(() => 204);
    const phone = "+15550124001";
    await patients([{ externalId: "RR-1", firstName: "Ana", phone }]);
    const [reminder = 0] = await remind([
      {
        externalId: "RR-1",
        appointment: { id: "APT-1", startsAt: inDays(2), label: "cleaning with Dr. Lee" },
      },
    ]);
    await simulate(phone, "C", DEMO.mainNumber, { settle: true });

    const { messages } = await threadOf(phone);
    const sent = messages.find((m) => m.id === reminder);
    expect(sent?.appointment).toMatchObject({
      id: "APT-1",
      label: "cleaning with Dr. Lee",
      expects: "confirmation",
    });
    const reply = messages.find((m) => m.direction === "in");
    expect(reply?.appointmentReply).toEqual({
      intent: "confirm",
      reminderMessageIds: [reminder],
      correctedBy: null,
    });
    expect(messages.filter((m) => m.direction === "out")).toHaveLength(1);
    expect((await response(reminder)).response).toMatchObject({ intent: "confirm", messageId: reply?.id });
    expect((await queueRow(phone, false))?.needsAttention).toBe(false);

    const hook = await eventually(() => {
      const found = received.find((r) => r.hook.type === "appointment.response");
      expect(found).toBeDefined();
      return Promise.resolve(found);
    }, 10_000);
    expect(hook?.hook.data).toEqual({
      appointmentId: "APT-1",
      externalId: "RR-1",
      intent: "confirm",
      messageId: reply?.id,
      reminderMessageId: reminder,
      numberId,
      correctedBy: null,
    });
    // The reply itself was told once, as message.received, before its reading.
    const types = received.filter((r) => r.hook.data.messageId === reply?.id).map((r) => r.hook.type);
    expect(types).toEqual(["message.received", "appointment.response"]);

    // A second reply to an answered reminder is an ordinary reply.
    await simulate(phone, "Yes", DEMO.mainNumber, { settle: true });
    const later = (await threadOf(phone)).messages.filter((m) => m.direction === "in");
    expect(later[1]?.appointmentReply).toBeNull();
  });

  it("a family phone is asked which one, and the digit and a name confirm the right ones", async ({
    expect,
  }) => {
    const phone = "+15550124002";
    await patients([
      { externalId: "RR-2M", firstName: "Maria", phone },
      { externalId: "RR-2D", firstName: "Diego", phone },
    ]);
    const [maria = 0, diego = 0] = await remind([
      { externalId: "RR-2M", appointment: { id: "APT-2M", startsAt: inDays(3, 9, 30) } },
      { externalId: "RR-2D", appointment: { id: "APT-2D", startsAt: inDays(3, 10, 0) } },
    ]);
    await simulate(phone, "C", DEMO.mainNumber, { settle: true });
    let { messages } = await threadOf(phone);
    const question = messages.filter((m) => m.kind === "auto_reply");
    expect(question).toHaveLength(1);
    expect(question[0]?.body).toMatch(
      /^Which appointment\? Reply 1 for Maria \w{3} \d{1,2}:30, 2 for Diego \w{3} \d{1,2}:00, or 3 for both\.$/,
    );
    expect(question[0]?.segments).toBe(1);
    expect(messages.find((m) => m.direction === "in")?.appointmentReply).toBeNull();
    expect((await response(maria)).response).toBeNull();

    await simulate(phone, "1", DEMO.mainNumber, { settle: true });
    ({ messages } = await threadOf(phone));
    const digit = messages.filter((m) => m.direction === "in")[1];
    expect(digit?.appointmentReply).toMatchObject({ intent: "confirm", reminderMessageIds: [maria] });
    expect((await response(maria)).response?.intent).toBe("confirm");
    expect((await response(diego)).response).toBeNull();

    await simulate(phone, "Diego's is fine", DEMO.mainNumber, { settle: true });
    expect((await response(diego)).response?.intent).toBe("confirm");
    // Only the one question went to the patient.
    ({ messages } = await threadOf(phone));
    expect(messages.filter((m) => m.direction === "out" && m.kind !== "reminder")).toHaveLength(1);
  });

  it("'3 for both' confirms both, and a name without a question confirms only that one", async ({
    expect,
  }) => {
    const phone = "+15550124003";
    await patients([
      { externalId: "RR-3M", firstName: "Maria", phone },
      { externalId: "RR-3D", firstName: "Diego", phone },
    ]);
    const [maria = 0, diego = 0] = await remind([
      { externalId: "RR-3M", appointment: { id: "APT-3M", startsAt: inDays(4, 9, 30) } },
      { externalId: "RR-3D", appointment: { id: "APT-3D", startsAt: inDays(4, 10, 0) } },
    ]);
    await simulate(phone, "Maria's is fine", DEMO.mainNumber, { settle: true });
    expect((await response(maria)).response?.intent).toBe("confirm");
    expect((await response(diego)).response).toBeNull();
    expect((await threadOf(phone)).messages.filter((m) => m.kind === "auto_reply")).toHaveLength(0);

    const phone2 = "+15550124004";
    await patients([
      { externalId: "RR-4M", firstName: "Maria", phone: phone2 },
      { externalId: "RR-4D", firstName: "Diego", phone: phone2 },
    ]);
    const [m2 = 0, d2 = 0] = await remind([
      { externalId: "RR-4M", appointment: { id: "APT-4M", startsAt: inDays(4, 9, 30) } },
      { externalId: "RR-4D", appointment: { id: "APT-4D", startsAt: inDays(4, 10, 0) } },
    ]);
    await simulate(phone2, "Y", DEMO.mainNumber, { settle: true });
    await simulate(phone2, "3", DEMO.mainNumber, { settle: true });
    expect((await response(m2)).response?.intent).toBe("confirm");
    expect((await response(d2)).response?.intent).toBe("confirm");
  });

  it("a reschedule needs attention in the queue until staff reply", async ({ expect }) => {
    const phone = "+15550124005";
    const [reminder = 0] = await remind([{ phone, appointment: { id: "APT-5", startsAt: inDays(2) } }]);
    await simulate(phone, "Can we move it to Thursday?", DEMO.mainNumber, { settle: true });
    expect((await response(reminder)).response?.intent).toBe("reschedule");
    expect(await queueRow(phone, true)).toMatchObject({ needsAttention: true });

    const { conversationId } = await threadOf(phone);
    const res = await call(`/api/conversations/${conversationId}/messages`, {
      cookie,
      json: { body: "Sure, Thursday at 10 works. See you then!", idempotencyKey: "reschedule-answer-1" },
    });
    expect(res.status).toBeLessThan(300);
    expect(await queueRow(phone, true)).toBeUndefined();
    expect((await queueRow(phone, false))?.needsAttention).toBe(false);
  });

  it("Done clears Needs attention too", async ({ expect }) => {
    const phone = "+15550124006";
    await remind([{ phone, appointment: { id: "APT-6", startsAt: inDays(2) } }]);
    await simulate(phone, "What time was it again?", DEMO.mainNumber, { settle: true });
    expect(await queueRow(phone, true)).toMatchObject({ needsAttention: true });
    const { conversationId } = await threadOf(phone);
    const res = await call(`/api/conversations/${conversationId}/state`, {
      cookie,
      json: { state: "done" },
    });
    expect(res.status).toBe(200);
    const done = await call(`/api/queue/numbers/${numberId}/conversations?attention=true&view=done`, {
      cookie,
    });
    const { conversations } = await done.json<{ conversations: { phone: string }[] }>();
    expect(conversations.find((c) => c.phone === phone)).toBeUndefined();
  });

  it("CANCEL alone opts out first: opted_out, the event line, the webhook", async ({ expect }) => {
    // A webhook of its own: the earlier test's endpoint is gone, so the first key's stream is backing off.
    await keyWithWebhook();
    const received = pmsEndpoint(() => 204);
    const phone = "+15550124007";
    const [reminder = 0] = await remind([{ phone, appointment: { id: "APT-7", startsAt: inDays(2) } }]);
    await simulate(phone, "CANCEL", DEMO.mainNumber, { settle: true });
    expect(await count("opt_outs", "phone = ? and opted_out = 1", phone)).toBe(1);
    expect((await response(reminder)).response?.intent).toBe("opted_out");
    const { messages } = await threadOf(phone);
    expect(messages.find((m) => m.kind === "event" && m.body === optedOutLine("cancel"))?.body).toBe(
      "Replied CANCEL to a reminder: this phone is now opted out. Call to confirm whether they meant the appointment.",
    );
    expect(messages.find((m) => m.direction === "in")?.appointmentReply?.intent).toBe("opted_out");
    expect(await queueRow(phone, true)).toMatchObject({ needsAttention: true });
    const hook = await eventually(() => {
      const found = received.find(
        (r) => r.hook.type === "appointment.response" && r.hook.data.appointmentId === "APT-7",
      );
      expect(found).toBeDefined();
      return Promise.resolve(found);
    }, 10_000);
    expect(hook?.hook.data).toMatchObject({
      intent: "opted_out",
      externalId: null,
      reminderMessageId: reminder,
    });
  });

  it("a reply after the appointment time is an ordinary reply", async ({ expect }) => {
    const phone = "+15550124008";
    const [reminder = 0] = await remind([{ phone, appointment: { id: "APT-8", startsAt: inDays(1) } }]);
    // The appointment's time passes before the patient answers.
    await env.DB.prepare("update messages set appointment_starts_at = ? where id = ?")
      .bind(Date.now() - 60_000, reminder)
      .run();
    await simulate(phone, "C", DEMO.mainNumber, { settle: true });
    expect((await response(reminder)).response).toBeNull();
    const { messages } = await threadOf(phone);
    expect(messages.find((m) => m.direction === "in")?.appointmentReply).toBeNull();
    expect(messages.filter((m) => m.kind === "auto_reply")).toHaveLength(0);
  });

  it("staff correct a reading: audited, the chip and the webhook follow; not_about makes it outstanding", async ({
    expect,
  }) => {
    await keyWithWebhook();
    const received = pmsEndpoint(() => 204);
    const phone = "+15550124009";
    const [reminder = 0] = await remind([{ phone, appointment: { id: "APT-9", startsAt: inDays(2) } }]);
    await simulate(phone, "ok but can I come at 10", DEMO.mainNumber, { settle: true });
    const { conversationId, messages } = await threadOf(phone);
    const reply = messages.find((m) => m.direction === "in");
    const path = `/api/conversations/${conversationId}/messages/${reply?.id ?? 0}/appointment-reply`;

    const fixed = await call(path, { cookie, json: { correction: "reschedule" } });
    expect(fixed.status).toBe(200);
    const { message } = await fixed.json<{ message: LiveMessage }>();
    expect(message.appointmentReply).toMatchObject({ intent: "reschedule", reminderMessageIds: [reminder] });
    expect(message.appointmentReply?.correctedBy).toEqual(expect.any(String));
    expect((await response(reminder)).response?.intent).toBe("reschedule");
    expect(
      await count("audit_log", "action = 'appointment_reply.correct' and target_id = ?", String(reply?.id)),
    ).toBe(1);
    await eventually(() => {
      const found = received.find(
        (r) => r.hook.type === "appointment.response" && r.hook.data.intent === "reschedule",
      );
      expect(found?.hook.data.appointmentId).toBe("APT-9");
      expect(typeof found?.hook.data.correctedBy).toBe("string");
      return Promise.resolve(found);
    }, 10_000);

    const notAbout = await call(path, { cookie, json: { correction: "not_about" } });
    expect((await notAbout.json<{ message: LiveMessage }>()).message.appointmentReply).toBeNull();
    expect((await response(reminder)).response).toBeNull();
    expect(await queueRow(phone, true)).toBeUndefined();
    await eventually(() => {
      const found = received.find(
        (r) => r.hook.type === "appointment.response" && r.hook.data.intent === null,
      );
      expect(found).toBeDefined();
      return Promise.resolve(found);
    }, 10_000);
    // Outstanding again: the next C confirms it.
    await simulate(phone, "C", DEMO.mainNumber, { settle: true });
    expect((await response(reminder)).response?.intent).toBe("confirm");

    // A text that was not read against a reminder cannot be corrected; another conversation's message is 404.
    const { messages: after } = await threadOf(phone);
    const reminderRow = after.find((m) => m.id === reminder);
    const wrong = await call(
      `/api/conversations/${conversationId}/messages/${reminderRow?.id ?? 0}/appointment-reply`,
      {
        cookie,
        json: { correction: "confirm" },
      },
    );
    expect(wrong.status).toBe(409);
    const elsewhere = await call(`/api/conversations/${conversationId}/messages/999999/appointment-reply`, {
      cookie,
      json: { correction: "confirm" },
    });
    expect(elsewhere.status).toBe(404);
  });

  it("refuses bad appointments per recipient with a reason", async ({ expect }) => {
    const past = new Date(Date.now() - DAY).toISOString();
    const sent = await sendApi(secret, {
      from: DEMO.mainNumber,
      kind: "reminder",
      body: "Reply C to confirm.",
      expects: "confirmation",
      recipients: [
        { phone: "+15550124010", appointment: { id: "x".repeat(101), startsAt: inDays(2) } },
        { phone: "+15550124011", appointment: { id: "A", startsAt: "next tuesday" } },
        { phone: "+15550124012", appointment: { id: "A", startsAt: past } },
        { phone: "+15550124013", appointment: { id: "A", startsAt: inDays(2), label: "y".repeat(61) } },
        { phone: "+15550124014" },
        { phone: "+15550124015", appointment: { id: "A", startsAt: "2030-06-03T09:30:00" } },
        { phone: "+15550124016", appointment: { id: "A", startsAt: inDays(2), label: "y".repeat(60) } },
      ],
    });
    expect(sent.status).toBe(202);
    expect(sent.results.map((r) => r.reason ?? r.status)).toEqual([
      "invalid_appointment_id",
      "invalid_starts_at",
      "appointment_in_past",
      "label_too_long",
      "missing_appointment",
      "invalid_starts_at",
      "queued",
    ]);
  });
});
