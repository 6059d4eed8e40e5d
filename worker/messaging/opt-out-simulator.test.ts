import { beforeAll, describe, it } from "vitest";
import { call, DEMO, errorOf, seed } from "../test/helpers";
import { count, eventually, simulate } from "../test/carriers";
import { OPT_OUT_CONFIRMATION } from "../domain/keywords";

beforeAll(seed);

const thread = async (phone: string) => {
  const res = await call(
    `/api/simulator/phones/${encodeURIComponent(phone)}/messages?to=${encodeURIComponent(DEMO.mainNumber)}`,
  );
  return (await res.json<{ messages: { direction: string; kind: string; body: string; status: string }[] }>())
    .messages;
};

describe("STOP on the simulator number", () => {
  it("opts out, confirms exactly once with the exact wording, and records history", async ({ expect }) => {
    const phone = "+15550003001";
    expect((await simulate(phone, "Stop.")).status).toBe(201);
    const replies = await eventually(async () => {
      const out = (await thread(phone)).filter((m) => m.direction === "out");
      if (out.length === 0) throw new Error("no reply yet");
      return out;
    });
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toBe(OPT_OUT_CONFIRMATION);
    expect(replies[0]?.kind).toBe("auto_reply");
    expect(replies[0]?.status).toBe("delivered");
    expect(await count("opt_outs", "phone = ? and opted_out = 1", phone)).toBe(1);
    expect(await count("opt_out_events", "phone = ? and opted_out = 1", phone)).toBe(1);
    expect(await count("audit_log", "action = 'opt_out.inbound'")).toBeGreaterThanOrEqual(1);
  });

  it("refuses every later send with a 409 naming START and the date", async ({ expect }) => {
    const phone = "+15550003002";
    await simulate(phone, "STOP");
    // Until the confirmation is stored (after the webhook's answer), so the count below is of a quiet thread.
    await eventually(async () => {
      if ((await count("opt_outs", "phone = ? and opted_out = 1", phone)) !== 1) throw new Error("not yet");
      if (!(await thread(phone)).some((m) => m.body === OPT_OUT_CONFIRMATION))
        throw new Error("no reply yet");
    });
    const { sendText } = await import("./send-text");
    const { env } = await import("cloudflare:workers");
    const { createDb } = await import("../db/client");
    const numberId =
      (
        await env.DB.prepare("select id from clinic_numbers where e164 = ?")
          .bind(DEMO.mainNumber)
          .first<{ id: number }>()
      )?.id ?? 0;
    const before = await count("messages", "1 = 1");
    const attempt = sendText({
      db: createDb(env.DB),
      env,
      numberId,
      phone,
      body: "Your appointment is tomorrow",
      kind: "reminder",
      authorUserId: null,
      idempotencyKey: null,
    });
    await expect(attempt).rejects.toMatchObject({
      status: 409,
      code: "opted_out",
      message: expect.stringMatching(/START/) as unknown,
    });
    await expect(attempt).rejects.toThrow(/on [A-Z][a-z]+ \d{1,2}, \d{4}/);
    expect(await count("messages", "1 = 1")).toBe(before);

    // START re-enables sending, with a confirmation; a second START changes nothing and says nothing.
    await simulate(phone, "start");
    await eventually(async () => {
      if ((await count("opt_outs", "phone = ? and opted_out = 0", phone)) !== 1) throw new Error("not yet");
    });
    const sent = await sendText({
      db: createDb(env.DB),
      env,
      numberId,
      phone,
      body: "Welcome back",
      kind: "direct",
      authorUserId: null,
      idempotencyKey: null,
    });
    expect(sent.status).toBe("delivered");
    await eventually(async () => {
      const bodies = (await thread(phone)).filter((m) => m.direction === "out").map((m) => m.body);
      expect(bodies.some((b) => b.startsWith("You have successfully been re-subscribed"))).toBe(true);
    });
  });

  it("does not opt out on messages that merely contain the word", async ({ expect }) => {
    const phone = "+15550003003";
    // Settled: whatever these texts set off in waitUntil (a keyword reply would be sent there) is done.
    expect((await simulate(phone, "Stopping by at 3", DEMO.mainNumber, { settle: true })).status).toBe(201);
    expect(
      (await simulate(phone, "Can I cancel my appointment?", DEMO.mainNumber, { settle: true })).status,
    ).toBe(201);
    expect(await count("opt_outs", "phone = ?", phone)).toBe(0);
    expect((await thread(phone)).filter((m) => m.direction === "out")).toHaveLength(0);
  });

  it("answers HELP with the practice name", async ({ expect }) => {
    const phone = "+15550003004";
    await simulate(phone, "HELP");
    const reply = await eventually(async () => {
      const out = (await thread(phone)).find((m) => m.direction === "out");
      if (!out) throw new Error("no reply");
      return out;
    });
    expect(reply.body).toContain(DEMO.practice);
    expect(await errorOf(await simulate(phone, ""))).toMatchObject({ code: "malformed_body" });
  });
});
