import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, it, vi } from "vitest";
import { addConversation, demoNumbers } from "../test/messages-fixture";
import { call, errorOf, grantStaff, seed, signInAdmin, signInStaff } from "../test/helpers";

type Msg = {
  id: number;
  body: string;
  status: string;
  direction: string;
  authorName: string | null;
  kind: string;
};
let admin: string;
let main: number;
let westside: number;
let orgId: number;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  ({ orgId, main, westside } = await demoNumbers());
});

afterEach(() => {
  vi.useRealTimers();
});

const count = async (sql: string) => (await env.DB.prepare(sql).first<{ n: number }>())?.n ?? 0;

describe("replying", () => {
  it("sends through the number's carrier, signs the text with the staff name and announces it live", async ({
    expect,
  }) => {
    const conversation = await addConversation({
      orgId,
      numberId: main,
      phone: "+15550001111",
      at: Date.now(),
    });
    const events = await count("SELECT count(*) AS n FROM live_events WHERE type = 'message'");
    const res = await call(`/api/conversations/${conversation.id}/messages`, {
      cookie: admin,
      json: { body: "See you at 3 😀", idempotencyKey: "key-reply-0001" },
    });
    expect(res.status).toBe(201);
    const { message } = await res.json<{ message: Msg }>();
    expect(message).toMatchObject({
      body: "See you at 3 😀",
      direction: "out",
      kind: "reply",
      authorName: "Avery Admin",
    });
    expect(["sent", "delivered"]).toContain(message.status);
    expect(await count("SELECT count(*) AS n FROM live_events WHERE type = 'message'")).toBeGreaterThan(
      events,
    );
    // One audit row per text, written with the message itself (not again by the route).
    const audits = `SELECT count(*) AS n FROM audit_log WHERE action = 'message.send' AND target_id = '${message.id}'`;
    expect(await count(audits)).toBe(1);
  });

  it("sends once however often the same request arrives", async ({ expect }) => {
    const conversation = await addConversation({
      orgId,
      numberId: main,
      phone: "+15550104000",
      at: Date.now(),
    });
    const send = () =>
      call(`/api/conversations/${conversation.id}/messages`, {
        cookie: admin,
        json: { body: "Only once", idempotencyKey: "key-double-click" },
      });
    const [a, b] = await Promise.all([send(), send()]);
    const ids = await Promise.all([a, b].map(async (r) => (await r.json<{ message: Msg }>()).message.id));
    expect(ids[0]).toBe(ids[1]);
    expect(await count(`SELECT count(*) AS n FROM messages WHERE body = 'Only once'`)).toBe(1);
  });

  it("refuses an opted-out phone with 409, keeps the user signed in and stores nothing", async ({
    expect,
  }) => {
    const conversation = await addConversation({
      orgId,
      numberId: main,
      phone: "+15550105000",
      at: Date.now(),
    });
    await env.DB.prepare(
      "INSERT INTO opt_outs (number_id, phone, opted_out, keyword, changed_at) VALUES (?, ?, 1, 'STOP', ?)",
    )
      .bind(main, "+15550105000", Date.now())
      .run();
    const res = await call(`/api/conversations/${conversation.id}/messages`, {
      cookie: admin,
      json: { body: "Are you there?", idempotencyKey: "key-opted-out" },
    });
    expect(res.status).toBe(409);
    expect((await errorOf(res))?.code).toBe("opted_out");
    expect(await count(`SELECT count(*) AS n FROM messages WHERE body = 'Are you there?'`)).toBe(0);
    expect((await call("/api/auth/me", { cookie: admin })).status).toBe(200);
  });

  it("refuses an empty text and a missing idempotency key with 400", async ({ expect }) => {
    const conversation = await addConversation({
      orgId,
      numberId: main,
      phone: "+15550106000",
      at: Date.now(),
    });
    for (const json of [{ body: "", idempotencyKey: "key-empty-000" }, { body: "hi" }]) {
      const res = await call(`/api/conversations/${conversation.id}/messages`, { cookie: admin, json });
      expect(res.status).toBe(400);
    }
  });
});

describe("texting from the Rolodex", () => {
  it("starts a conversation with a patient's phone", async ({ expect }) => {
    const res = await call("/api/messages", {
      cookie: admin,
      json: {
        numberId: main,
        phone: "(555) 010-7000",
        body: "Your results are in",
        idempotencyKey: "key-direct-1",
      },
    });
    expect(res.status).toBe(201);
    expect((await res.json<{ message: Msg }>()).message.kind).toBe("direct");
    const found = await call(`/api/queue/numbers/${main}/conversations/by-phone`, {
      cookie: admin,
      json: { phone: "+15550107000" },
    });
    expect((await found.json<{ conversation: { phone: string } | null }>()).conversation?.phone).toBe(
      "+15550107000",
    );
  });

  it("refuses a number the staff member may not use (404)", async ({ expect }) => {
    await grantStaff(admin, [main]);
    const staff = await signInStaff();
    const res = await call("/api/messages", {
      cookie: staff,
      json: { numberId: westside, phone: "+15550107001", body: "Hi", idempotencyKey: "key-direct-2" },
    });
    expect(res.status).toBe(404);
  });
});

describe("retry", () => {
  it("sends a failed text again, once", async ({ expect }) => {
    const conversation = await addConversation({
      orgId,
      numberId: main,
      phone: "+15550108000",
      at: Date.now(),
    });
    const failed = await env.DB.prepare(
      `INSERT INTO messages (org_id, number_id, conversation_id, direction, kind, body, status, carrier, error_code, error_reason, created_at, updated_at)
       VALUES (?, ?, ?, 'out', 'reply', 'Retry me', 'failed', 'simulator', '30003', 'Unreachable handset', ?, ?) RETURNING id`,
    )
      .bind(orgId, main, conversation.id, Date.now(), Date.now())
      .first<{ id: number }>();
    const retry = () =>
      call(`/api/conversations/${conversation.id}/messages/${failed?.id}/retry`, {
        method: "POST",
        cookie: admin,
      });
    const first = await retry();
    expect(first.status).toBe(201);
    await retry();
    expect(await count(`SELECT count(*) AS n FROM messages WHERE body = 'Retry me'`)).toBe(2);
  });

  it("holds a campaign text outside quiet hours (409 quiet_hours, naming when), never a reminder", async ({
    expect,
  }) => {
    // 22:00 in the practice's zone (America/Chicago, CST in January): after the 08:00-21:00 campaign window.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2026-01-15T04:00:00Z"));
    const cookie = await signInAdmin();
    const at = Date.now();
    const conversation = await addConversation({ orgId, numberId: main, phone: "+15550108001", at });
    const failedOf = async (kind: string, body: string) =>
      (
        await env.DB.prepare(
          `INSERT INTO messages (org_id, number_id, conversation_id, direction, kind, body, status, carrier, error_code, error_reason, created_at, updated_at)
           VALUES (?, ?, ?, 'out', ?, ?, 'failed', 'simulator', '30003', 'Unreachable handset', ?, ?) RETURNING id`,
        )
          .bind(orgId, main, conversation.id, kind, body, at, at)
          .first<{ id: number }>()
      )?.id;
    const retry = (id: number | undefined) =>
      call(`/api/conversations/${conversation.id}/messages/${id}/retry`, { method: "POST", cookie });

    const campaign = await retry(await failedOf("campaign", "Flu shots this week"));
    expect(campaign.status).toBe(409);
    const error = await errorOf(campaign);
    expect(error?.code).toBe("quiet_hours");
    expect(error?.message).toContain("January 15");
    expect(error?.message).toContain("8:00");
    expect(await count(`SELECT count(*) AS n FROM messages WHERE body = 'Flu shots this week'`)).toBe(1);

    const reminder = await retry(await failedOf("reminder", "Your visit is tomorrow at 9"));
    expect(reminder.status).toBe(201);
  });

  it("keeps a staff idempotency key apart from the server's retry key of the same text", async ({
    expect,
  }) => {
    const conversation = await addConversation({
      orgId,
      numberId: main,
      phone: "+15550108002",
      at: Date.now(),
    });
    const failed = await env.DB.prepare(
      `INSERT INTO messages (org_id, number_id, conversation_id, direction, kind, body, status, carrier, error_code, error_reason, created_at, updated_at)
       VALUES (?, ?, ?, 'out', 'reply', 'Retry me too', 'failed', 'simulator', '30003', 'Unreachable handset', ?, ?) RETURNING id`,
    )
      .bind(orgId, main, conversation.id, Date.now(), Date.now())
      .first<{ id: number }>();
    const id = failed?.id ?? 0;
    // A key a client could pick that is exactly what the server uses for retrying this text.
    const reply = await call(`/api/conversations/${conversation.id}/messages`, {
      cookie: admin,
      json: { body: "A different reply", idempotencyKey: `retry:${id}` },
    });
    expect(reply.status).toBe(201);
    const retried = await call(`/api/conversations/${conversation.id}/messages/${id}/retry`, {
      method: "POST",
      cookie: admin,
    });
    expect(retried.status).toBe(201);
    const { message } = await retried.json<{ message: Msg }>();
    expect(message.body).toContain("Retry me too");
    expect(await count(`SELECT count(*) AS n FROM messages WHERE body LIKE 'Retry me too%'`)).toBe(2);
  });
});
