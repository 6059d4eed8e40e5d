import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, errorOf, seed, signIn, signInAdmin, signInStaff } from "../test/helpers";
import { count, fakeCarrier, simulate } from "../test/carriers";
import { addConversation, demoIds, testDb, type DemoIds } from "../test/messages-fixture";
import { seedOtherPractice } from "../test/other-practice";
import { api, createApiKey } from "../test/practice-api";
import { keyWithWebhook, type Hook } from "../test/pms-webhooks";
import { dispatchWebhooks } from "../messaging/practice-webhooks";
import { stuckOutbound } from "../db/queries/messages";
import { dueQueued } from "../db/queries/outbound-batch";

type Note = {
  id: number;
  direction: string;
  kind: string;
  status: string;
  body: string;
  authorName: string | null;
  segments: number;
};

let ids: DemoIds;
let admin: string;

beforeAll(async () => {
  await seed();
  ids = await demoIds();
  admin = await signInAdmin();
});

let phoneSeq = 0;
const nextPhone = () => `+1555031${String(++phoneSeq).padStart(4, "0")}`;

async function postNote(cookie: string, conversationId: number, body: string, key = crypto.randomUUID()) {
  return call(`/api/conversations/${conversationId}/notes`, {
    cookie,
    json: { body, idempotencyKey: key },
    settle: true,
  });
}

const conversationRow = (id: number) =>
  env.DB.prepare(
    "select last_message_at as at, last_message_preview as preview, unread from conversations where id = ?",
  )
    .bind(id)
    .first<{ at: number; preview: string; unread: number }>();

describe("internal notes", () => {
  it("are stored as internal rows, never reach the carrier and never move the conversation", async ({
    expect,
  }) => {
    // Westside is a Twilio number: any send would be a request to the fake carrier's origin.
    const { id } = await addConversation({
      orgId: ids.orgId,
      numberId: ids.westsideNumberId,
      phone: nextPhone(),
      at: Date.now() - 60_000,
      body: "Can I move my appointment?",
      unread: false,
    });
    const before = await conversationRow(id);
    const carrier = fakeCarrier(() => new Response("{}", { status: 500 }));
    try {
      const res = await postNote(admin, id, "Called her back, no answer. Try again after 3.");
      expect(res.status).toBe(201);
      const { message, mentions } = await res.json<{ message: Note; mentions: number[] }>();
      expect(message).toMatchObject({
        direction: "internal",
        kind: "note",
        status: "recorded",
        authorName: DEMO.admin.name,
      });
      expect(mentions).toEqual([]);
      expect(carrier.calls).toEqual([]);
      const row = await env.DB.prepare(
        "select carrier, carrier_message_id as cid, send_after as sendAfter from messages where id = ?",
      )
        .bind(message.id)
        .first();
      expect(row).toEqual({ carrier: "twilio", cid: null, sendAfter: null });
    } finally {
      carrier.restore();
    }
    expect(await conversationRow(id)).toEqual(before);
  });

  it("are audited without their text, and announced live with whom they mention", async ({ expect }) => {
    const { id } = await addConversation({
      orgId: ids.orgId,
      numberId: ids.mainNumberId,
      phone: nextPhone(),
      at: Date.now(),
    });
    const res = await postNote(admin, id, "@Sam please call her about the refill (secret detail)");
    expect(res.status).toBe(201);
    const { message, mentions } = await res.json<{ message: Note; mentions: number[] }>();
    expect(mentions).toEqual([ids.staffId]);
    const rows = await env.DB.prepare(
      "select conversation_id as c, user_id as u, message_id as m from mentions where message_id = ?",
    )
      .bind(message.id)
      .all();
    expect(rows.results).toEqual([{ c: id, u: ids.staffId, m: message.id }]);
    const audit = await env.DB.prepare(
      "select user_id as userId, target_type as type, detail from audit_log where action = 'note.create' and target_id = ?",
    )
      .bind(String(message.id))
      .all<{ userId: number; type: string; detail: string }>();
    expect(audit.results).toHaveLength(1);
    expect(audit.results[0]).toMatchObject({ userId: ids.adminId, type: "message" });
    expect(audit.results[0]?.detail).not.toContain("secret");
    expect(JSON.parse(audit.results[0]?.detail ?? "{}")).toEqual({
      numberId: ids.mainNumberId,
      conversationId: id,
      mentions: 1,
    });
    const event = await env.DB.prepare(
      "select payload from live_events where type = 'message' and number_id = ? order by id desc limit 1",
    )
      .bind(ids.mainNumberId)
      .first<{ payload: string }>();
    const payload = JSON.parse(event?.payload ?? "{}") as { mentions?: number[]; message?: Note };
    expect(payload.mentions).toEqual([ids.staffId]);
    expect(payload.message?.kind).toBe("note");
  });

  it("store once per idempotency key", async ({ expect }) => {
    const { id } = await addConversation({
      orgId: ids.orgId,
      numberId: ids.mainNumberId,
      phone: nextPhone(),
      at: Date.now(),
    });
    const key = crypto.randomUUID();
    const first = await postNote(admin, id, "@Sam Staff once", key);
    const again = await postNote(admin, id, "@Sam Staff once", key);
    expect([first.status, again.status]).toEqual([201, 200]);
    const replay = await again.json<{ message: Note; mentions: number[]; replayed: boolean }>();
    expect(replay).toMatchObject({ mentions: [ids.staffId], replayed: true });
    expect(await count("messages", "conversation_id = ? and kind = 'note'", id)).toBe(1);
    expect(await count("mentions", "conversation_id = ?", id)).toBe(1);
    expect(
      await count("audit_log", "action = 'note.create' and target_id = ?", String(replay.message.id)),
    ).toBe(1);
  });

  it("refuse an empty note, one over 4,000 characters, and a conversation the caller may not see", async ({
    expect,
  }) => {
    const { id } = await addConversation({
      orgId: ids.orgId,
      numberId: ids.mainNumberId,
      phone: nextPhone(),
      at: Date.now(),
    });
    const long = await postNote(admin, id, "x".repeat(4001));
    expect(long.status).toBe(400);
    expect((await errorOf(long))?.message).toBe(
      "body: is longer than 4,000 characters (a note may have 4,000)",
    );
    expect((await postNote(admin, id, "x".repeat(4000))).status).toBe(201);
    const empty = await postNote(admin, id, "   ");
    expect(empty.status).toBe(400);
    expect((await errorOf(empty))?.message).toBe("body: is empty");

    const other = await seedOtherPractice();
    const outsider = await signIn(other.credentials.email, other.credentials.password);
    expect((await postNote(outsider, id, "peek")).status).toBe(404);
    expect((await call(`/api/conversations/${id}/mentionable`, { cookie: outsider })).status).toBe(404);
  });

  it("mention only colleagues who may see the number", async ({ expect }) => {
    const { id } = await addConversation({
      orgId: ids.orgId,
      numberId: ids.westsideNumberId,
      phone: nextPhone(),
      at: Date.now(),
    });
    const staff = await signInStaff();
    const list = await call(`/api/conversations/${id}/mentionable`, { cookie: staff });
    expect((await list.json<{ users: { name: string }[] }>()).users.map((u) => u.name)).toEqual([
      DEMO.admin.name,
      DEMO.staff.name,
    ]);
    // Sam loses Westside: a mention of Sam there is no mention.
    await env.DB.prepare("delete from user_numbers where user_id = ? and number_id = ?")
      .bind(ids.staffId, ids.westsideNumberId)
      .run();
    try {
      const res = await postNote(admin, id, "@Sam Staff have a look");
      expect((await res.json<{ mentions: number[] }>()).mentions).toEqual([]);
    } finally {
      await env.DB.prepare("insert into user_numbers (user_id, number_id) values (?, ?)")
        .bind(ids.staffId, ids.westsideNumberId)
        .run();
    }
  });

  it("are not on the simulator phone, nor in the practice-system API", async ({ expect }) => {
    const phone = nextPhone();
    expect((await simulate(phone, "Hello?", DEMO.mainNumber)).status).toBeLessThan(300);
    const conversation = await env.DB.prepare("select id from conversations where phone = ?")
      .bind(phone)
      .first<{ id: number }>();
    const res = await postNote(admin, conversation?.id ?? 0, "Internal only: patient is rude");
    const { message } = await res.json<{ message: Note }>();
    const thread = await call(
      `/api/simulator/phones/${encodeURIComponent(phone)}/messages?to=${encodeURIComponent(DEMO.mainNumber)}`,
    );
    const bodies = (await thread.json<{ messages: { body: string }[] }>()).messages.map((m) => m.body);
    expect(bodies).toContain("Hello?");
    expect(bodies).not.toContain("Internal only: patient is rude");

    const key = await createApiKey("notes test");
    expect((await api(key.secret, `/messages/${message.id}`)).status).toBe(404);
  });

  it("are never sent as practice-system webhooks", async ({ expect }) => {
    await keyWithWebhook();
    const phone = nextPhone();
    expect((await simulate(phone, "first", DEMO.mainNumber)).status).toBeLessThan(300);
    const conversation = await env.DB.prepare("select id from conversations where phone = ?")
      .bind(phone)
      .first<{ id: number }>();
    const note = await (
      await postNote(admin, conversation?.id ?? 0, "note between two texts")
    ).json<{
      message: Note;
    }>();
    expect((await simulate(phone, "second", DEMO.mainNumber)).status).toBeLessThan(300);
    // The dispatch itself, called directly: it walks every event after the key's cursor, the note's included.
    const received: Hook[] = [];
    const post = async (input: RequestInfo | URL, init?: RequestInit) => {
      received.push(await new Request(input, init).json<Hook>());
      return new Response(null, { status: 204 });
    };
    for (let round = 0; round < 20; round++) {
      const { delivered } = await dispatchWebhooks(
        { db: testDb(), env, numberId: ids.mainNumberId },
        { fetch: post },
      );
      if (delivered === 0) break;
    }
    const mine = received.filter((r) => r.data.from === phone);
    expect(mine.map((r) => r.data.body)).toEqual(["first", "second"]);
    expect(received.some((r) => r.data.messageId === note.message.id)).toBe(false);
    expect(received.some((r) => r.data.body === "note between two texts")).toBe(false);
  });

  it("are never picked up by the stuck-send sweeper or the drain", async ({ expect }) => {
    const { id } = await addConversation({
      orgId: ids.orgId,
      numberId: ids.mainNumberId,
      phone: nextPhone(),
      at: Date.now(),
    });
    const { message } = await (await postNote(admin, id, "sweep me not")).json<{ message: Note }>();
    const db = testDb();
    const stuck = await stuckOutbound(db, Date.now() + 86_400_000, 1000);
    expect(stuck.map((s) => s.message.id)).not.toContain(message.id);
    const due = await dueQueued(db, ids.mainNumberId, Date.now() + 86_400_000, 1000);
    expect(due.map((d) => d.message.id)).not.toContain(message.id);
  });
});
