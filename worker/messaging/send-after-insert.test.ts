import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, it, vi } from "vitest";
import { call, seed, signInAdmin } from "../test/helpers";
import { count, fakeCarrier, randomSid } from "../test/carriers";
import { demoNumbers, testDb } from "../test/messages-fixture";
import type { StaffText } from "../test/api-bodies";
import { practiceApi } from "../test/queue-api";
import { nextDueAt } from "../db/queries/outbound-batch";
import { sweepStuckSends, STATUS_UNKNOWN, STUCK_AFTER_MS } from "../jobs/sweep-stuck-sends";

/**
 * Every step that can fail after a text's row is stored, on the staff path (POST /api/messages) and the
 * practice-system drain: the row must end `failed` with a reason (published live, so the thread shows it with
 * Retry), or, when even that cannot be written, be left in flight for the sweeper, which settles it without
 * sending again. A repeat of the same idempotency key answers 200 with the text's true status, never a 201.
 * The carrier is faked at its HTTP boundary (test/carriers.ts); D1 failures are triggers that abort a write.
 */
type Msg = {
  id: number;
  conversationId: number;
  status: string;
  errorCode: string | null;
  errorReason: string | null;
};

const db = testDb();
let admin: string;
let westside: number;
let fake: ReturnType<typeof fakeCarrier> | undefined;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  ({ westside } = await demoNumbers());
});
afterEach(() => {
  fake?.restore();
  fake = undefined;
  vi.restoreAllMocks();
});

const accepted = () => Response.json({ sid: randomSid(), status: "queued" }, { status: 201 });

function direct(phone: string, idempotencyKey: string) {
  return call("/api/messages", {
    cookie: admin,
    json: { numberId: westside, phone, body: "Your lab results are in.", idempotencyKey } satisfies StaffText,
  });
}

async function row(id: number) {
  return env.DB.prepare(
    "select status, error_code as errorCode, error_reason as errorReason, carrier_message_id as carrierId from messages where id = ?",
  )
    .bind(id)
    .first<{
      status: string;
      errorCode: string | null;
      errorReason: string | null;
      carrierId: string | null;
    }>();
}

/** What live screens were told about this message: its stored event and its status moves, in order. */
async function liveOf(id: number) {
  const { results } = await env.DB.prepare(
    `select type, json_extract(payload, '$.status') as status, json_extract(payload, '$.message.status') as stored
     from live_events
     where json_extract(payload, '$.messageId') = ?1 or json_extract(payload, '$.message.id') = ?1
     order by id`,
  )
    .bind(id)
    .all<{ type: string; status: string | null; stored: string | null }>();
  return results.map((r) => `${r.type}:${r.status ?? r.stored ?? ""}`);
}

async function inThread(message: Msg) {
  const res = await call(`/api/conversations/${message.conversationId}/messages`, { cookie: admin });
  return (await res.json<{ messages: Msg[] }>()).messages.find((m) => m.id === message.id);
}

/** Runs `work` while D1 refuses the writes a trigger matches (standing in for a failing database). */
async function withRefusal<T>(trigger: string, work: () => Promise<T>): Promise<T> {
  await env.DB.exec(`CREATE TRIGGER refuse_write ${trigger} BEGIN SELECT RAISE(ABORT, 'injected'); END;`);
  try {
    return await work();
  } finally {
    await env.DB.exec("DROP TRIGGER refuse_write");
  }
}

describe("a staff text whose send fails after its row is stored", () => {
  it("credentials that cannot be unsealed: failed with a reason, no carrier call, shown live; Retry sends it once repaired", async ({
    expect,
  }) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    fake = fakeCarrier(accepted);
    const sealed = await env.DB.prepare("select credentials_ciphertext as c from clinic_numbers where id = ?")
      .bind(westside)
      .first<{ c: string }>();
    await env.DB.prepare(
      "update clinic_numbers set credentials_ciphertext = 'not-a-sealed-value' where id = ?",
    )
      .bind(westside)
      .run();
    let res: Response;
    try {
      res = await direct("+15550140001", "after-insert-credentials");
    } finally {
      await env.DB.prepare("update clinic_numbers set credentials_ciphertext = ? where id = ?")
        .bind(sealed?.c, westside)
        .run();
    }
    expect(res.status).toBe(201);
    const { message } = await res.json<{ message: Msg }>();
    expect(message).toMatchObject({ status: "failed", errorCode: "credentials" });
    expect(message.errorReason).toMatch(/credentials could not be read/);
    expect(fake.calls).toHaveLength(0);
    expect(await row(message.id)).toMatchObject({ status: "failed", errorCode: "credentials" });
    expect(await liveOf(message.id)).toEqual(["message:queued", "message_status:failed"]);
    expect(await inThread(message)).toMatchObject({ status: "failed", errorCode: "credentials" });

    // The same click again: the true status, as a repeat (200), and nothing sent.
    const again = await direct("+15550140001", "after-insert-credentials");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      replayed: true,
      message: { id: message.id, status: "failed", errorCode: "credentials" },
    });
    expect(fake.calls).toHaveLength(0);

    // Retry (the bubble's button) with the credentials back: sent once, however often it is clicked.
    const retry = () =>
      call(`/api/conversations/${message.conversationId}/messages/${message.id}/retry`, {
        method: "POST",
        cookie: admin,
      });
    const retried = await retry();
    expect(retried.status).toBe(201);
    expect((await retried.json<{ message: Msg }>()).message.status).toBe("queued");
    const twice = await retry();
    expect(twice.status).toBe(200);
    expect(await twice.json()).toMatchObject({ replayed: true, message: { status: "queued" } });
    expect(fake.calls).toHaveLength(1);
  });

  it("the carrier call throwing once the carrier was asked: failed, never tried again, says it may have gone out", async ({
    expect,
  }) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    // A 201 whose body cannot be read the way the adapter reads it: the adapter throws after the request.
    fake = fakeCarrier(() => {
      const response = accepted();
      Object.defineProperty(response, "json", {
        value: () => {
          throw new TypeError("body stream broke");
        },
      });
      return response;
    });
    const res = await direct("+15550140002", "after-insert-carrier-throws");
    expect(res.status).toBe(201);
    const { message } = await res.json<{ message: Msg }>();
    expect(message).toMatchObject({ status: "failed", errorCode: "send_error" });
    expect(message.errorReason).toMatch(/may have gone out/);
    expect(fake.calls).toHaveLength(1);
    expect(await liveOf(message.id)).toEqual(["message:queued", "message_status:failed"]);

    const again = await direct("+15550140002", "after-insert-carrier-throws");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ replayed: true, message: { status: "failed" } });
    expect(fake.calls).toHaveLength(1);
  });

  it("the second batch (conversation bump and audit) failing: failed before any carrier call, shown live", async ({
    expect,
  }) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    fake = fakeCarrier(accepted);
    const res = await withRefusal("BEFORE INSERT ON audit_log WHEN new.action = 'message.send'", () =>
      direct("+15550140003", "after-insert-second-batch"),
    );
    expect(res.status).toBe(201);
    const { message } = await res.json<{ message: Msg }>();
    expect(message).toMatchObject({ status: "failed", errorCode: "internal" });
    expect(message.errorReason).toMatch(/not sent/);
    expect(fake.calls).toHaveLength(0);
    expect(await row(message.id)).toMatchObject({ status: "failed", errorCode: "internal" });
    // Its one live event already says failed: the thread shows it with Retry.
    expect(await liveOf(message.id)).toEqual(["message:failed"]);

    const again = await direct("+15550140003", "after-insert-second-batch");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ replayed: true, message: { status: "failed" } });
  });

  it("the carrier's answer not recordable (D1 refuses the update): 5xx, the repeat says queued, the sweeper settles it without sending again", async ({
    expect,
  }) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    fake = fakeCarrier(accepted);
    const phone = "+15550140004";
    const res = await withRefusal("BEFORE UPDATE OF status ON messages", () =>
      direct(phone, "after-insert-record"),
    );
    expect(res.status).toBeGreaterThanOrEqual(500);
    await res.arrayBuffer();
    expect(fake.calls).toHaveLength(1);

    // The composer sends the same key again: the true status, queued (its answer was never recorded).
    const again = await direct(phone, "after-insert-record");
    expect(again.status).toBe(200);
    const { message } = await again.json<{ message: Msg }>();
    expect(message.status).toBe("queued");
    expect(fake.calls).toHaveLength(1);

    // Nobody can learn its carrier id (the answer was lost): "status unknown", never sent a second time.
    const result = await sweepStuckSends({ db, env, now: Date.now() + STUCK_AFTER_MS + 60_000 });
    expect(result.failed).toBeGreaterThanOrEqual(1);
    expect(await row(message.id)).toMatchObject({ status: "failed", errorCode: STATUS_UNKNOWN.code });
    expect(await liveOf(message.id)).toEqual(["message:queued", "message_status:failed"]);
    expect(fake.calls.filter((c) => c.method === "POST")).toHaveLength(1);
    expect(await inThread(message)).toMatchObject({ status: "failed", errorCode: "status_unknown" });
  });
});

describe("a practice-system text whose drain fails after it is claimed", () => {
  it("the claim's audit batch failing: failed with a reason, not left queued where no drain takes it", async ({
    expect,
  }) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const pms = await practiceApi();
    const now = Date.now();
    const { results } = await pms.queue("reminder", [{ phone: "+15550140101" }], now);
    const id = results[0]?.status === "queued" ? results[0].messageId : 0;
    const drained = await withRefusal("BEFORE INSERT ON audit_log WHEN new.action = 'message.send'", () =>
      pms.drain(now),
    );
    expect(drained.failed).toBe(1);
    expect(await row(id)).toMatchObject({ status: "failed", errorCode: "internal" });
    expect(await liveOf(id)).toEqual(["message:failed"]);
    expect(await nextDueAt(db, pms.number.id)).toBeNull();
  });

  it("the send's outcome not recordable: the drain goes on, and the sweeper settles the text as status unknown", async ({
    expect,
  }) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const pms = await practiceApi();
    const now = Date.now();
    const { results } = await pms.queue("reminder", [{ phone: "+15550140102" }], now);
    const id = results[0]?.status === "queued" ? results[0].messageId : 0;
    const drained = await withRefusal("BEFORE UPDATE OF status ON messages", () => pms.drain(now));
    expect(drained.failed).toBe(1);
    expect(await row(id)).toMatchObject({ status: "queued", carrierId: null });
    // Claimed (send_after cleared): no drain takes it again, so it is sent once at most.
    expect(await count("messages", "id = ? and send_after is null", id)).toBe(1);

    // The sweep also asks Twilio about the earlier tests' texts: the fake carrier answers those.
    fake = fakeCarrier(() => new Response(null, { status: 404 }));
    await sweepStuckSends({ db, env, now: now + STUCK_AFTER_MS + 60_000 });
    expect(await row(id)).toMatchObject({ status: "failed", errorCode: STATUS_UNKNOWN.code });
  });
});
