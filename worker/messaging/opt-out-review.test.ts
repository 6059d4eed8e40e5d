import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, errorOf, seed, signInAdmin, signInStaff } from "../test/helpers";
import { count, eventually, simulate } from "../test/carriers";
import { createApiKey, sendApi } from "../test/practice-api";
import { OPT_OUT_CONFIRMATION } from "../domain/keywords";
import { createDb } from "../db/client";
import { getOrganization } from "../db/queries/organizations";
import { campaignSendTime } from "../domain/quiet-hours";
import { drainQueued } from "./outbound-drain";

let admin: string;
let secret: string;
let numberId: number;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  ({ secret } = await createApiKey());
  numberId =
    (
      await env.DB.prepare("select id from clinic_numbers where e164 = ?")
        .bind(DEMO.mainNumber)
        .first<{ id: number }>()
    )?.id ?? 0;
});

const conversationOf = async (phone: string) => {
  const row = await env.DB.prepare("select id from conversations where number_id = ? and phone = ?")
    .bind(numberId, phone)
    .first<{ id: number }>();
  if (!row) throw new Error("no conversation");
  return row.id;
};
const lastInbound = async (phone: string) =>
  (
    await env.DB.prepare(
      "select m.id from messages m join conversations c on c.id = m.conversation_id where c.phone = ? and m.direction = 'in' order by m.id desc",
    )
      .bind(phone)
      .first<{ id: number }>()
  )?.id ?? 0;
const outbound = async (phone: string) =>
  (
    await env.DB.prepare(
      "select m.body, m.kind from messages m join conversations c on c.id = m.conversation_id where c.phone = ? and m.direction = 'out'",
    )
      .bind(phone)
      .all<{ body: string; kind: string }>()
  ).results;
const reply = (conversationId: number, cookie: string, body = "We got your message.") =>
  call(`/api/conversations/${conversationId}/messages`, {
    cookie,
    json: { body, idempotencyKey: crypto.randomUUID() },
  });
const campaign = (phone: string) =>
  sendApi(secret, {
    from: DEMO.mainNumber,
    kind: "campaign",
    body: "Flu shots are in.",
    recipients: [{ phone }],
  });
const decide = (conversationId: number, json: unknown, cookie = admin) =>
  call(`/api/conversations/${conversationId}/opt-out-review`, { cookie, json });

type ConversationAnswer = {
  optOutHistory: { optedOut: boolean; keyword: string; messageId: number | null }[];
  optOutReviews: {
    messageId: number;
    keyword: string;
    decision: string | null;
    decidedBy: string | null;
    decidedAt: number | null;
  }[];
};
const details = async (conversationId: number, cookie = admin) =>
  (await call(`/api/conversations/${conversationId}`, { cookie })).json<ConversationAnswer>();

describe("the issue's four texts that were stored as ordinary replies", () => {
  it.for<[string, string]>([
    ["STOP STOP", "+15550118001"],
    ["Stop. Wrong number", "+15550118002"],
    ["Wrong number, stop", "+15550118003"],
    ["Stop pls", "+15550118004"],
  ])(
    "%j opts out, confirms once and blocks the next staff text and campaign",
    async ([body, phone], { expect }) => {
      expect((await simulate(phone, body, DEMO.mainNumber, { settle: true })).status).toBe(201);
      expect(await count("opt_outs", "phone = ? and opted_out = 1", phone)).toBe(1);
      expect(await count("opt_out_events", "phone = ? and opted_out = 1", phone)).toBe(1);
      expect(await outbound(phone)).toEqual([{ body: OPT_OUT_CONFIRMATION, kind: "auto_reply" }]);

      const refused = await reply(await conversationOf(phone), admin);
      expect(refused.status).toBe(409);
      expect(await errorOf(refused)).toMatchObject({ code: "opted_out" });
      const sent = await campaign(phone);
      expect(sent.results[0]).toMatchObject({ status: "refused", reason: "opted_out" });
      expect(await outbound(phone)).toHaveLength(1);
    },
  );
});

describe("a possible opt-out", () => {
  it("records nothing, sends no confirmation, holds campaigns but not reminders or replies", async ({
    expect,
  }) => {
    const phone = "+15550118101";
    await simulate(phone, "I need to cancel", DEMO.mainNumber, { settle: true });
    const conversationId = await conversationOf(phone);
    const messageId = await lastInbound(phone);
    expect(await count("opt_outs", "phone = ?", phone)).toBe(0);
    expect(await outbound(phone)).toEqual([]);
    expect((await details(conversationId)).optOutReviews).toEqual([
      {
        messageId,
        keyword: "cancel",
        at: expect.any(Number) as unknown,
        decision: null,
        decidedBy: null,
        decidedAt: null,
      },
    ]);

    const held = await campaign(phone);
    expect(held.results[0]).toMatchObject({ status: "held", reason: "opt_out_review" });
    const reminder = await sendApi(secret, {
      from: DEMO.mainNumber,
      kind: "reminder",
      body: "Your appointment is tomorrow at 9:30.",
      recipients: [{ phone }],
    });
    expect(reminder.results[0]).toMatchObject({ status: "queued" });
    expect((await reply(conversationId, admin)).status).toBe(201);

    // The drain, at a moment the campaign window is open, still does not send the held campaign.
    const db = createDb(env.DB);
    const org = await getOrganization(db, 1);
    if (!org) throw new Error("no practice");
    const open = campaignSendTime(org, undefined, Date.now()) ?? Date.now();
    const drained = await drainQueued({ db, env, numberId, limit: 100 }, { now: () => open });
    expect(drained.held).toBeGreaterThanOrEqual(1);
    const campaignId = held.results[0]?.messageId ?? 0;
    const row = await env.DB.prepare("select status, send_after as sendAfter from messages where id = ?")
      .bind(campaignId)
      .first<{ status: string; sendAfter: number }>();
    expect(row?.status).toBe("queued");
    expect(row?.sendAfter).toBeGreaterThan(open);
  });

  it("'Not an opt-out' releases the held campaign, is audited with who and when, and cannot be decided twice", async ({
    expect,
  }) => {
    const phone = "+15550118102";
    await simulate(phone, "Can we end early?", DEMO.mainNumber, { settle: true });
    const conversationId = await conversationOf(phone);
    const messageId = await lastInbound(phone);
    const held = await campaign(phone);
    expect(held.results[0]).toMatchObject({ status: "held", reason: "opt_out_review" });

    const before = Date.now();
    const res = await decide(conversationId, { messageId, decision: "not_opt_out" });
    expect(res.status).toBe(200);
    const { optOutReviews, optOutHistory } = await details(conversationId);
    expect(optOutReviews[0]).toMatchObject({ decision: "not_opt_out", decidedBy: "Avery Admin" });
    expect(optOutReviews[0]?.decidedAt).toBeGreaterThanOrEqual(before);
    expect(optOutHistory).toEqual([]);
    expect(await count("audit_log", "action = 'opt_out_review.not_opt_out' and user_id is not null")).toBe(1);
    const row = await env.DB.prepare("select send_after as sendAfter from messages where id = ?")
      .bind(held.results[0]?.messageId ?? 0)
      .first<{ sendAfter: number | null }>();
    expect(row?.sendAfter ?? 0).toBeLessThanOrEqual(Date.now());
    expect((await campaign(phone)).results[0]?.reason).not.toBe("opt_out_review");

    const again = await decide(conversationId, { messageId, decision: "opt_out" });
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toMatchObject({ code: "already_decided" });
    expect(await count("opt_outs", "phone = ?", phone)).toBe(0);
  });

  it("'Opt out this phone' records the opt-out in the history, confirms once and blocks every path", async ({
    expect,
  }) => {
    const phone = "+15550118103";
    await simulate(phone, "Stop John", DEMO.mainNumber, { settle: true });
    const conversationId = await conversationOf(phone);
    const messageId = await lastInbound(phone);
    const res = await call(`/api/conversations/${conversationId}/opt-out-review`, {
      cookie: admin,
      json: { messageId, decision: "opt_out" },
      settle: true,
    });
    expect(res.status).toBe(200);
    expect(await count("opt_outs", "phone = ? and opted_out = 1", phone)).toBe(1);
    const { optOutHistory, optOutReviews } = await details(conversationId);
    expect(optOutHistory).toMatchObject([{ optedOut: true, keyword: "review:stop", messageId }]);
    expect(optOutReviews[0]).toMatchObject({ decision: "opt_out", decidedBy: "Avery Admin" });
    expect(await count("audit_log", "action = 'opt_out.review' and user_id is not null")).toBe(1);
    await eventually(async () => {
      expect(await outbound(phone)).toEqual([{ body: OPT_OUT_CONFIRMATION, kind: "auto_reply" }]);
    });
    expect((await reply(conversationId, admin)).status).toBe(409);
    expect((await campaign(phone)).results[0]).toMatchObject({ status: "refused", reason: "opted_out" });
  });

  it("answers 4xx to bad input and to a conversation or message the caller may not decide", async ({
    expect,
  }) => {
    const phone = "+15550118104";
    await simulate(phone, "I want to stop", DEMO.mainNumber, { settle: true });
    const conversationId = await conversationOf(phone);
    const messageId = await lastInbound(phone);
    for (const body of [
      {},
      { messageId },
      { messageId, decision: "maybe" },
      { messageId: "x", decision: "opt_out" },
    ]) {
      const res = await decide(conversationId, body);
      expect(res.status).toBe(400);
    }
    expect((await decide(conversationId, { messageId, decision: "opt_out", extra: 1 })).status).toBe(400);
    expect((await decide(conversationId, { messageId: messageId + 999, decision: "opt_out" })).status).toBe(
      404,
    );
    expect((await decide(999_999, { messageId, decision: "opt_out" })).status).toBe(404);
    const other = await conversationOf("+15550118101");
    expect((await decide(other, { messageId, decision: "opt_out" })).status).toBe(404);
    expect(
      (
        await call(`/api/conversations/${conversationId}/opt-out-review`, {
          json: { messageId, decision: "opt_out" },
        })
      ).status,
    ).toBe(401);
    const staff = await signInStaff();
    expect((await decide(conversationId, { messageId, decision: "not_opt_out" }, staff)).status).toBe(200);
    expect(await count("opt_out_reviews", "phone = ? and decision is null", phone)).toBe(0);
  });
});
