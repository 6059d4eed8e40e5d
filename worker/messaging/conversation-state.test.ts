import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, it } from "vitest";
import { addConversation, demoIds, type DemoIds } from "../test/messages-fixture";
import { call, errorOf, grantStaff, seed, signInAdmin, signInStaff } from "../test/helpers";
import { simulate } from "../test/carriers";
import { seedOtherPractice } from "../test/other-practice";
import { createDb } from "../db/client";
import { hubFor } from "./hub";
import { rearmOverdueSnoozes, snoozeLabel } from "./conversation-state";

type Row = {
  id: number;
  state: string;
  snoozedUntil: number | null;
  assignedUserId: number | null;
  assignedName: string | null;
  lastMessageAt: number;
  lastMessagePreview: string;
  unread: boolean;
};

let admin: string;
let staff: string;
let ids: DemoIds;
let otherAdminId: number;
let phoneSeq = 0;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  staff = await signInStaff();
  ids = await demoIds();
  otherAdminId = (await seedOtherPractice()).admin.id;
});

/** A fresh conversation on the main (simulator) number with one inbound text, read. */
async function fresh(numberId = ids.mainNumberId) {
  const phone = `+1555020${String(phoneSeq++).padStart(4, "0")}`;
  const at = Date.now() - 60_000;
  const { id } = await addConversation({ orgId: ids.orgId, numberId, phone, at, unread: false });
  return { id, phone, at };
}

async function conversation(id: number, cookie = admin) {
  const res = await call(`/api/conversations/${id}`, { cookie });
  return (await res.json<{ conversation: Row }>()).conversation;
}

const setState = (id: number, json: unknown, cookie = admin) =>
  call(`/api/conversations/${id}/state`, { cookie, json });
const setAssignee = (id: number, userId: number | null, cookie = admin) =>
  call(`/api/conversations/${id}/assignee`, { method: "PUT", cookie, json: { userId } });

async function eventLines(conversationId: number) {
  const rows = await env.DB.prepare(
    "select body, direction, status, author_user_id as author from messages where conversation_id = ? and kind = 'event' order by id",
  )
    .bind(conversationId)
    .all<{ body: string; direction: string; status: string; author: number | null }>();
  return rows.results;
}

async function conversationEvents(conversationId: number) {
  const rows = await env.DB.prepare(
    "select payload from live_events where type = 'conversation' and json_extract(payload, '$.conversationId') = ? order by id",
  )
    .bind(conversationId)
    .all<{ payload: string }>();
  return rows.results.map((r) => JSON.parse(r.payload) as Record<string, unknown>);
}

async function audits(conversationId: number) {
  const rows = await env.DB.prepare(
    "select action from audit_log where target_type = 'conversation' and target_id = ? order by id",
  )
    .bind(String(conversationId))
    .all<{ action: string }>();
  return rows.results.map((r) => r.action);
}

describe("done and reopen", () => {
  it("marks done with an event line, a live event and an audit row, leaving the queue row's activity alone", async ({
    expect,
  }) => {
    const c = await fresh();
    const before = await conversation(c.id);
    const res = await setState(c.id, { state: "done" });
    expect(res.status).toBe(200);
    expect((await res.json<{ conversation: Row }>()).conversation.state).toBe("done");
    expect(await eventLines(c.id)).toEqual([
      {
        body: "Avery Admin marked this done",
        direction: "internal",
        status: "recorded",
        author: ids.adminId,
      },
    ]);
    expect(await conversationEvents(c.id)).toMatchObject([
      { state: "done", changedBy: ids.adminId, change: "state", assignedUserId: null },
    ]);
    expect(await audits(c.id)).toEqual(["conversation.done"]);
    const after = await conversation(c.id);
    expect(after).toMatchObject({
      lastMessageAt: before.lastMessageAt,
      lastMessagePreview: before.lastMessagePreview,
      unread: false,
    });
    // Done again is a no-op: no second line.
    expect((await setState(c.id, { state: "done" })).status).toBe(200);
    expect(await eventLines(c.id)).toHaveLength(1);
    // Reopen by hand.
    await setState(c.id, { state: "open" });
    expect((await conversation(c.id)).state).toBe("open");
    expect((await eventLines(c.id)).at(-1)?.body).toBe("Avery Admin reopened this");
  });

  it("reopens a done conversation when the patient texts, and a snoozed one on STOP", async ({ expect }) => {
    const done = await fresh();
    await setState(done.id, { state: "done" });
    expect((await simulate(done.phone, "One more question", undefined, { settle: true })).status).toBe(201);
    expect((await conversation(done.id)).state).toBe("open");
    expect((await eventLines(done.id)).at(-1)?.body).toBe("Reopened by a new text from the patient");
    expect((await conversationEvents(done.id)).at(-1)).toMatchObject({
      state: "open",
      changedBy: null,
      change: "reopened",
    });

    const snoozed = await fresh();
    await setState(snoozed.id, { state: "snoozed", preset: "1h" });
    await simulate(snoozed.phone, "STOP", undefined, { settle: true });
    expect(await conversation(snoozed.id)).toMatchObject({ state: "open", snoozedUntil: null });

    // An open conversation gets no line from a text.
    const open = await fresh();
    await simulate(open.phone, "Hello", undefined, { settle: true });
    expect(await eventLines(open.id)).toEqual([]);
  });
});

describe("snooze", () => {
  it("snoozes to a preset on the number's clock and says until when, in its time zone", async ({
    expect,
  }) => {
    const c = await fresh();
    const started = Date.now();
    const res = await setState(c.id, { state: "snoozed", preset: "1h" }, staff);
    expect(res.status).toBe(200);
    const row = (await res.json<{ conversation: Row }>()).conversation;
    expect(row.state).toBe("snoozed");
    expect(row.snoozedUntil).toBeGreaterThanOrEqual(started + 3_600_000);
    const label = snoozeLabel(row.snoozedUntil ?? 0, "America/Chicago", started);
    expect(label).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2}:\d{2} [AP]M$/);
    expect((await eventLines(c.id)).at(-1)?.body).toBe(`Sam Staff snoozed this until ${label}`);
    expect(await audits(c.id)).toEqual(["conversation.snooze"]);
  });

  it("refuses a snooze in the past or over 90 days ahead, precisely", async ({ expect }) => {
    const c = await fresh();
    const past = await setState(c.id, { state: "snoozed", until: Date.now() - 1000 });
    expect(past.status).toBe(400);
    expect(await errorOf(past)).toMatchObject({ code: "snooze_in_past" });
    const far = await setState(c.id, { state: "snoozed", until: Date.now() + 91 * 86_400_000 });
    expect(far.status).toBe(400);
    const tooLong = await errorOf(far);
    expect(tooLong?.code).toBe("snooze_too_long");
    expect(tooLong?.message).toContain("90 days");
    expect((await setState(c.id, { state: "snoozed", preset: "next-year" })).status).toBe(400);
    expect((await conversation(c.id)).state).toBe("open");
  });

  it("ends through the number's real alarm: reopened, with a line and a system live event", async ({
    expect,
  }) => {
    const c = await fresh();
    await setAssignee(c.id, ids.staffId);
    await setState(c.id, { state: "snoozed", preset: "1h" });
    const hub = hubFor(env, ids.mainNumberId);
    // The snooze armed the alarm; its time is moved into the past, as if the hour had gone by.
    await env.DB.prepare("update conversations set snoozed_until = ? where id = ?")
      .bind(Date.now() - 1000, c.id)
      .run();
    expect(await runDurableObjectAlarm(hub)).toBe(true);
    expect(await conversation(c.id)).toMatchObject({
      state: "open",
      snoozedUntil: null,
      assignedUserId: ids.staffId,
    });
    expect((await eventLines(c.id)).at(-1)).toMatchObject({ body: "Snooze ended", author: null });
    expect((await conversationEvents(c.id)).at(-1)).toMatchObject({
      state: "open",
      changedBy: null,
      change: "snooze_ended",
      assignedUserId: ids.staffId,
      assignedName: "Sam Staff",
    });
    expect((await audits(c.id)).at(-1)).toBe("conversation.snooze_ended");
  });

  it("a lost alarm is re-armed by the hourly cron, which then wakes the snooze", async ({ expect }) => {
    const c = await fresh(ids.westsideNumberId);
    // Snoozed straight in D1, with no alarm ever set: as if the object had lost it.
    await env.DB.prepare("update conversations set state = 'snoozed', snoozed_until = ? where id = ?")
      .bind(Date.now() - 10 * 60_000, c.id)
      .run();
    expect(await rearmOverdueSnoozes(createDbFromEnv(), env, Date.now())).toBe(1);
    expect(await runDurableObjectAlarm(hubFor(env, ids.westsideNumberId))).toBe(true);
    expect((await conversation(c.id)).state).toBe("open");
    expect(await rearmOverdueSnoozes(createDbFromEnv(), env, Date.now())).toBe(0);
  });
});

describe("assignment", () => {
  it("assigns with a line, a live event naming the assignee, and an audit row; unassigns", async ({
    expect,
  }) => {
    const c = await fresh();
    const res = await setAssignee(c.id, ids.staffId);
    expect(res.status).toBe(200);
    expect((await res.json<{ conversation: Row }>()).conversation).toMatchObject({
      assignedUserId: ids.staffId,
      assignedName: "Sam Staff",
    });
    expect((await eventLines(c.id)).at(-1)?.body).toBe("Avery Admin assigned this to Sam Staff");
    expect((await conversationEvents(c.id)).at(-1)).toMatchObject({
      assignedUserId: ids.staffId,
      assignedName: "Sam Staff",
      changedBy: ids.adminId,
      change: "assigned",
      state: "open",
    });
    await setAssignee(c.id, null);
    expect((await conversation(c.id)).assignedUserId).toBeNull();
    expect(await audits(c.id)).toEqual(["conversation.assign", "conversation.unassign"]);
  });

  it("answers 404 for another practice's user and for one who may not see the number", async ({ expect }) => {
    const c = await fresh(ids.westsideNumberId);
    const other = await setAssignee(c.id, otherAdminId);
    expect(other.status).toBe(404);
    await grantStaff(admin, [ids.mainNumberId]);
    expect((await setAssignee(c.id, ids.staffId)).status).toBe(404);
    const { users } = await (
      await call(`/api/conversations/${c.id}/assignees`, { cookie: admin })
    ).json<{
      users: { id: number; name: string }[];
    }>();
    expect(users).toEqual([{ id: ids.adminId, name: "Avery Admin" }]);
    await grantStaff(admin, [ids.mainNumberId, ids.westsideNumberId]);
    const again = await (
      await call(`/api/conversations/${c.id}/assignees`, { cookie: admin })
    ).json<{
      users: { id: number; name: string }[];
    }>();
    expect(again.users.map((u) => u.name)).toEqual(["Avery Admin", "Sam Staff"]);
    expect(await eventLines(c.id)).toEqual([]);
  });

  it("a reply to an unassigned conversation assigns it to the sender, and not again", async ({ expect }) => {
    const c = await fresh();
    const reply = await call(`/api/conversations/${c.id}/messages`, {
      cookie: staff,
      json: { body: "We can see you at 3", idempotencyKey: `auto-assign-${c.id}` },
    });
    expect(reply.status).toBe(201);
    expect(await conversation(c.id)).toMatchObject({
      assignedUserId: ids.staffId,
      assignedName: "Sam Staff",
    });
    expect((await eventLines(c.id)).at(-1)?.body).toBe("Sam Staff replied and took this");
    await call(`/api/conversations/${c.id}/messages`, {
      cookie: admin,
      json: { body: "Confirmed", idempotencyKey: `auto-assign-b-${c.id}` },
    });
    expect((await conversation(c.id)).assignedUserId).toBe(ids.staffId);
    expect(await eventLines(c.id)).toHaveLength(1);
  });
});

describe("queue views", () => {
  async function view(name: string, cookie = admin, q?: string) {
    const res = q
      ? await call(`/api/queue/numbers/${ids.westsideNumberId}/conversations/search`, {
          cookie,
          json: { q, view: name, limit: 100 },
        })
      : await call(`/api/queue/numbers/${ids.westsideNumberId}/conversations?view=${name}&limit=100`, {
          cookie,
        });
    if (res.status !== 200) throw new Error(`view ${name}: ${res.status}`);
    return (await res.json<{ conversations: Row[] }>()).conversations.map((r) => r.id);
  }

  it("lists open, mine (assigned or mentioned), unassigned, snoozed and done; with search and unread", async ({
    expect,
  }) => {
    await grantStaff(admin, [ids.mainNumberId, ids.westsideNumberId]);
    const open = await fresh(ids.westsideNumberId);
    const mineOpen = await fresh(ids.westsideNumberId);
    const mineDone = await fresh(ids.westsideNumberId);
    const snoozed = await fresh(ids.westsideNumberId);
    const mentioned = await fresh(ids.westsideNumberId);
    await setAssignee(mineOpen.id, ids.staffId);
    await setAssignee(mineDone.id, ids.staffId);
    await setState(mineDone.id, { state: "done" });
    await setState(snoozed.id, { state: "snoozed", preset: "tomorrow" });
    await env.DB.prepare("insert into mentions (conversation_id, user_id, message_id) values (?, ?, 0)")
      .bind(mentioned.id, ids.staffId)
      .run();
    const ours = [open, mineOpen, mineDone, snoozed, mentioned].map((c) => c.id);
    const only = (list: number[]) => list.filter((id) => ours.includes(id)).sort((a, b) => a - b);

    expect(only(await view("open"))).toEqual([open.id, mineOpen.id, mentioned.id]);
    expect(only(await view("unassigned"))).toEqual([open.id, mentioned.id]);
    expect(only(await view("mine", staff))).toEqual([mineOpen.id, mentioned.id]);
    expect(only(await view("mine"))).toEqual([]);
    expect(only(await view("snoozed"))).toEqual([snoozed.id]);
    expect(only(await view("done"))).toEqual([mineDone.id]);
    // The default is open; search by phone digits combines with the view.
    const defaults = await call(`/api/queue/numbers/${ids.westsideNumberId}/conversations?limit=100`, {
      cookie: admin,
    });
    expect(only((await defaults.json<{ conversations: Row[] }>()).conversations.map((r) => r.id))).toEqual([
      open.id,
      mineOpen.id,
      mentioned.id,
    ]);
    expect(only(await view("done", admin, mineDone.phone.slice(-4)))).toEqual([mineDone.id]);
    expect(only(await view("open", admin, mineDone.phone.slice(-4)))).toEqual([]);
    await call(`/api/conversations/${mineOpen.id}/unread`, { cookie: admin, method: "POST" });
    const unread = await call(
      `/api/queue/numbers/${ids.westsideNumberId}/conversations?view=open&unread=true`,
      {
        cookie: admin,
      },
    );
    expect(only((await unread.json<{ conversations: Row[] }>()).conversations.map((r) => r.id))).toEqual([
      mineOpen.id,
    ]);
    expect(
      (await call(`/api/queue/numbers/${ids.westsideNumberId}/conversations?view=later`, { cookie: admin }))
        .status,
    ).toBe(400);
  });
});

function createDbFromEnv() {
  return createDb(env.DB);
}
