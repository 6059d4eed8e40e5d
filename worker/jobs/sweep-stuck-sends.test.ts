import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, it, vi } from "vitest";
import worker from "../index";
import { DEMO, seed } from "../test/helpers";
import { addTelnyxNumber, count, fakeCarrier, randomSid, type FakeCall } from "../test/carriers";
import { demoIds, seedConversation, testDb } from "../test/messages-fixture";
import { TWILIO_ERRORS } from "../carriers/twilio/errors";
import { CRON_JOBS } from "./cron";
import { GIVE_UP_AFTER_MS, STATUS_UNKNOWN, sweepStuckSends } from "./sweep-stuck-sends";

/**
 * The stuck-send sweeper run as the cron runs it (the job function, and once through the real scheduled
 * handler) against rows stored as a dying send would leave them. The carriers are faked at their HTTP
 * boundary; every test also checks that nothing was sent (no POST reaches a carrier).
 */
const db = testDb();
const now = Date.now();
const MINUTE = 60_000;
let ids: Awaited<ReturnType<typeof demoIds>>;
let telnyx: number;
let fake: ReturnType<typeof fakeCarrier> | undefined;

beforeAll(async () => {
  await seed();
  ids = await demoIds(db);
  ({ id: telnyx } = await addTelnyxNumber());
});
afterEach(() => {
  fake?.restore();
  fake = undefined;
  vi.restoreAllMocks();
});

type Row = {
  numberId: number;
  phone: string;
  status?: string;
  carrier?: string;
  carrierId?: string | null;
  updatedAt: number;
  sendAfter?: number | null;
  direction?: "in" | "out";
  errorCode?: string | null;
};

async function insert(row: Row) {
  const conversationId = await seedConversation(db, ids.orgId, row.numberId, row.phone, row.updatedAt);
  const carrier =
    row.carrier ??
    (row.numberId === ids.westsideNumberId ? "twilio" : row.numberId === telnyx ? "telnyx" : "simulator");
  const inserted = await env.DB.prepare(
    `insert into messages (org_id, number_id, conversation_id, direction, kind, body, status, carrier,
       carrier_message_id, error_code, created_at, updated_at, send_after)
     values (?, ?, ?, ?, 'reply', 'Stuck text', ?, ?, ?, ?, ?, ?, ?) returning id`,
  )
    .bind(
      ids.orgId,
      row.numberId,
      conversationId,
      row.direction ?? "out",
      row.status ?? "queued",
      carrier,
      row.carrierId ?? null,
      row.errorCode ?? null,
      row.updatedAt - MINUTE,
      row.updatedAt,
      row.sendAfter ?? null,
    )
    .first<{ id: number }>();
  if (!inserted) throw new Error("no message");
  return inserted.id;
}

async function stateOf(id: number) {
  return env.DB.prepare(
    "select status, error_code as errorCode, error_reason as errorReason from messages where id = ?",
  )
    .bind(id)
    .first<{ status: string; errorCode: string | null; errorReason: string | null }>();
}

/** The status events live screens were sent for this message. */
async function statusEvents(id: number) {
  const { results } = await env.DB.prepare(
    `select json_extract(payload, '$.status') as status from live_events
     where type = 'message_status' and json_extract(payload, '$.messageId') = ? order by id`,
  )
    .bind(id)
    .all<{ status: string }>();
  return results.map((r) => r.status);
}

const posts = (calls: FakeCall[]) => calls.filter((c) => c.method !== "GET");

const twilioMessage = (sid: string, status: string, errorCode: number | null = null) =>
  Response.json({ sid, status, error_code: errorCode, account_sid: DEMO.twilio.accountSid });

describe("the stuck-send sweeper", () => {
  it("asks Twilio (GET Messages/{Sid}.json) about texts it accepted, and records what it says", async ({
    expect,
  }) => {
    const delivered = randomSid();
    const failed = randomSid();
    const a = await insert({
      numberId: ids.westsideNumberId,
      phone: "+15550150001",
      carrierId: delivered,
      updatedAt: now - 10 * MINUTE,
    });
    const b = await insert({
      numberId: ids.westsideNumberId,
      phone: "+15550150002",
      status: "sending",
      carrierId: failed,
      updatedAt: now - 10 * MINUTE,
    });
    fake = fakeCarrier((c) =>
      c.url.includes(delivered)
        ? twilioMessage(delivered, "delivered")
        : twilioMessage(failed, "failed", 30003),
    );
    await sweepStuckSends({ db, env, now });

    const mine = fake.calls.filter((c) => c.url.includes(delivered) || c.url.includes(failed));
    expect(mine.map((c) => `${c.method} ${c.url}`).sort()).toEqual(
      [
        `GET https://twilio.fake/2010-04-01/Accounts/${DEMO.twilio.accountSid}/Messages/${delivered}.json`,
        `GET https://twilio.fake/2010-04-01/Accounts/${DEMO.twilio.accountSid}/Messages/${failed}.json`,
      ].sort(),
    );
    expect(mine[0]?.headers.get("authorization")).toBe(
      `Basic ${btoa(`${DEMO.twilio.accountSid}:${DEMO.twilio.authToken}`)}`,
    );
    expect(posts(fake.calls)).toHaveLength(0);
    expect(await stateOf(a)).toEqual({ status: "delivered", errorCode: null, errorReason: null });
    expect(await stateOf(b)).toEqual({
      status: "failed",
      errorCode: "30003",
      errorReason: TWILIO_ERRORS["30003"]?.reason,
    });
    expect(await statusEvents(a)).toEqual(["delivered"]);
    expect(await statusEvents(b)).toEqual(["failed"]);
  });

  it("asks Telnyx (GET /v2/messages/{id}) with the number's API key", async ({ expect }) => {
    const id = crypto.randomUUID();
    const text = await insert({
      numberId: telnyx,
      phone: "+15550150003",
      carrierId: id,
      updatedAt: now - 20 * MINUTE,
    });
    fake = fakeCarrier((c) =>
      c.url.includes(id)
        ? Response.json({
            data: { record_type: "message", id, to: [{ phone_number: "+15550150003", status: "delivered" }] },
          })
        : new Response(null, { status: 404 }),
    );
    await sweepStuckSends({ db, env, now });
    const mine = fake.calls.filter((c) => c.url.includes(id));
    expect(mine.map((c) => `${c.method} ${c.url}`)).toEqual([`GET https://telnyx.fake/v2/messages/${id}`]);
    expect(mine[0]?.headers.get("authorization")).toBe("Bearer KEY0123456789abcdef");
    expect(posts(fake.calls)).toHaveLength(0);
    expect((await stateOf(text))?.status).toBe("delivered");
  });

  it("fails texts it cannot settle as status unknown without sending them: no carrier id, or a carrier with no status query", async ({
    expect,
  }) => {
    fake = fakeCarrier(() => new Response(null, { status: 404 }));
    // A send that died before (or while) calling Twilio: it may or may not have gone out.
    const noId = await insert({
      numberId: ids.westsideNumberId,
      phone: "+15550150004",
      updatedAt: now - 10 * MINUTE,
    });
    // A lost answer (timeout) whose callbacks never came.
    const lost = await insert({
      numberId: ids.westsideNumberId,
      phone: "+15550150005",
      status: "sending",
      errorCode: "timeout",
      updatedAt: now - 10 * MINUTE,
    });
    // The simulator has no status query.
    const simulated = await insert({
      numberId: ids.mainNumberId,
      phone: "+15550150006",
      carrierId: `SIM${crypto.randomUUID()}`,
      updatedAt: now - 10 * MINUTE,
    });
    await sweepStuckSends({ db, env, now });
    for (const id of [noId, lost, simulated]) {
      expect(await stateOf(id)).toEqual({
        status: "failed",
        errorCode: STATUS_UNKNOWN.code,
        errorReason: STATUS_UNKNOWN.reason,
      });
      expect(await statusEvents(id)).toEqual(["failed"]);
    }
    expect(STATUS_UNKNOWN.reason).toMatch(/^Status unknown/);
    expect(posts(fake.calls)).toHaveLength(0);
  });

  it("leaves alone texts that are not stuck: recent sends, API texts waiting for their time or the drain, settled and inbound ones", async ({
    expect,
  }) => {
    fake = fakeCarrier(() => new Response(null, { status: 404 }));
    const untouched = [
      await insert({ numberId: ids.westsideNumberId, phone: "+15550150010", updatedAt: now - MINUTE }),
      // Held for quiet hours until tomorrow.
      await insert({
        numberId: ids.mainNumberId,
        phone: "+15550150011",
        updatedAt: now - 3 * 60 * MINUTE,
        sendAfter: now + 12 * 60 * MINUTE,
      }),
      // Overdue for the drain: the rearm-drains job restarts it, the sweeper must not fail it.
      await insert({
        numberId: ids.mainNumberId,
        phone: "+15550150012",
        updatedAt: now - 3 * 60 * MINUTE,
        sendAfter: now - 60 * MINUTE,
      }),
      await insert({
        numberId: ids.westsideNumberId,
        phone: "+15550150013",
        status: "delivered",
        carrierId: randomSid(),
        updatedAt: now - 60 * MINUTE,
      }),
      await insert({
        numberId: ids.westsideNumberId,
        phone: "+15550150014",
        status: "received",
        direction: "in",
        carrierId: randomSid(),
        updatedAt: now - 60 * MINUTE,
      }),
    ];
    const before = await Promise.all(untouched.map(stateOf));
    await sweepStuckSends({ db, env, now });
    expect(await Promise.all(untouched.map(stateOf))).toEqual(before);
    for (const id of untouched) expect(await statusEvents(id)).toEqual([]);
  });

  it("asks again next run while the carrier cannot answer, and gives up as status unknown after hours", async ({
    expect,
  }) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const recent = randomSid();
    const old = randomSid();
    const a = await insert({
      numberId: ids.westsideNumberId,
      phone: "+15550150020",
      carrierId: recent,
      updatedAt: now - 10 * MINUTE,
    });
    const b = await insert({
      numberId: ids.westsideNumberId,
      phone: "+15550150021",
      carrierId: old,
      updatedAt: now - GIVE_UP_AFTER_MS - MINUTE,
    });
    fake = fakeCarrier(() => new Response("Service Unavailable", { status: 503 }));
    await sweepStuckSends({ db, env, now });
    expect(fake.calls.filter((c) => c.url.includes(recent) || c.url.includes(old))).toHaveLength(2);
    expect((await stateOf(a))?.status).toBe("queued");
    expect(await stateOf(b)).toMatchObject({ status: "failed", errorCode: STATUS_UNKNOWN.code });
    expect(posts(fake.calls)).toHaveLength(0);
  });

  it("lets a status callback that arrives while it works win over its own verdict", async ({ expect }) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const sid = randomSid();
    // Hours old, and the carrier cannot answer: the sweeper would give it up as status unknown...
    const text = await insert({
      numberId: ids.westsideNumberId,
      phone: "+15550150030",
      carrierId: sid,
      updatedAt: now - GIVE_UP_AFTER_MS - MINUTE,
    });
    fake = fakeCarrier(async (c) => {
      if (c.url.includes(sid)) {
        // ...but Twilio's "sent" callback lands meanwhile (stored as receive-webhook.ts stores it).
        await env.DB.prepare("update messages set status = 'sent', updated_at = ? where id = ?")
          .bind(now, text)
          .run();
      }
      return new Response("Service Unavailable", { status: 503 });
    });
    await sweepStuckSends({ db, env, now });
    expect(await stateOf(text)).toEqual({ status: "sent", errorCode: null, errorReason: null });
    expect(await statusEvents(text)).toEqual([]);
  });

  it("records the carrier's opt-out when the status it reports says the phone opted out", async ({
    expect,
  }) => {
    const sid = randomSid();
    const phone = "+15550150040";
    const text = await insert({
      numberId: ids.westsideNumberId,
      phone,
      carrierId: sid,
      updatedAt: now - 10 * MINUTE,
    });
    fake = fakeCarrier((c) =>
      c.url.includes(sid) ? twilioMessage(sid, "failed", 21610) : new Response(null, { status: 404 }),
    );
    await sweepStuckSends({ db, env, now });
    expect(await stateOf(text)).toMatchObject({ status: "failed", errorCode: "21610" });
    expect(await count("opt_outs", "phone = ? and opted_out = 1", phone)).toBe(1);
  });

  it("runs from the real scheduled handler as its own cron job", async ({ expect }) => {
    expect(CRON_JOBS.map((j) => j.name)).toContain("sweep-stuck-sends");
    fake = fakeCarrier(() => new Response(null, { status: 404 }));
    const text = await insert({
      numberId: ids.mainNumberId,
      phone: "+15550150050",
      updatedAt: now - 10 * MINUTE,
    });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await stateOf(text)).toMatchObject({ status: "failed", errorCode: STATUS_UNKNOWN.code });
    expect(await count("job_leases", "name = 'cron:sweep-stuck-sends'")).toBe(0);
    expect(posts(fake.calls)).toHaveLength(0);
  });
});
