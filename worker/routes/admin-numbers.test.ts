import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import app from "../app";
import { decryptJson } from "../lib/credentials";
import { BASE, call, errorOf, seed, signInAdmin } from "../test/helpers";

let admin: string;
const twilio = { accountSid: `AC${"1".repeat(32)}`, authToken: "f".repeat(32) };

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
});

describe("clinic numbers", () => {
  it("stores carrier credentials encrypted and never returns them", async ({ expect }) => {
    const res = await call("/api/admin/numbers", {
      cookie: admin,
      json: { e164: "+1 555 123 0009", label: "North", carrier: "twilio", credentials: twilio },
    });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(twilio.authToken);
    const { number } = JSON.parse(text) as { number: { id: number; e164: string; hasCredentials: boolean } };
    expect(number.e164).toBe("+15551230009");
    expect(number.hasCredentials).toBe(true);
    const row = await env.DB.prepare("SELECT credentials_ciphertext AS c FROM clinic_numbers WHERE id = ?")
      .bind(number.id)
      .first<{ c: string }>();
    expect(row?.c).not.toContain(twilio.authToken);
    expect(await decryptJson(env.CREDENTIALS_KEY, row?.c ?? "")).toEqual(twilio);
    const list = await (await call("/api/numbers", { cookie: admin })).text();
    expect(list).not.toContain(twilio.authToken);
  });

  it("refuses credentials that do not fit the carrier", async ({ expect }) => {
    const missing = await call("/api/admin/numbers", {
      cookie: admin,
      json: { e164: "+15551230010", label: "X", carrier: "twilio" },
    });
    expect(missing.status).toBe(400);
    expect((await errorOf(missing))?.message).toMatch(/credentials/);
    const wrongShape = await call("/api/admin/numbers", {
      cookie: admin,
      json: { e164: "+15551230010", label: "X", carrier: "telnyx", credentials: twilio },
    });
    expect(wrongShape.status).toBe(400);
    const badSid = await call("/api/admin/numbers", {
      cookie: admin,
      json: {
        e164: "+15551230010",
        label: "X",
        carrier: "twilio",
        credentials: { ...twilio, accountSid: "AC1" },
      },
    });
    expect(badSid.status).toBe(400);
    expect((await errorOf(badSid))?.message).toMatch(/accountSid|credentials/);
  });

  it("refuses the simulator carrier, on create and on switching, where the simulator is off", async ({
    expect,
  }) => {
    // As production runs: SIMULATOR_ENABLED is not "true".
    const asProduction = async (path: string, method: string, json: unknown) => {
      const ctx = createExecutionContext();
      const res = await app.fetch(
        new Request(`${BASE}${path}`, {
          method,
          headers: { cookie: admin, origin: BASE, "content-type": "application/json" },
          body: JSON.stringify(json),
        }),
        { ...env, SIMULATOR_ENABLED: "false" },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    const create = await asProduction("/api/admin/numbers", "POST", {
      e164: "+1 555 123 0031",
      label: "Fake",
      carrier: "simulator",
    });
    expect(create.status).toBe(400);
    expect((await errorOf(create))?.message).toMatch(/^carrier: /);
    const created = await call("/api/admin/numbers", {
      cookie: admin,
      json: { e164: "+1 555 123 0032", label: "Real", carrier: "twilio", credentials: twilio },
    });
    const { number } = await created.json<{ number: { id: number } }>();
    const switched = await asProduction(`/api/admin/numbers/${number.id}`, "PATCH", { carrier: "simulator" });
    expect(switched.status).toBe(400);
    expect((await errorOf(switched))?.message).toMatch(/^carrier: /);
    const row = await env.DB.prepare("SELECT carrier FROM clinic_numbers WHERE id = ?")
      .bind(number.id)
      .first<{ carrier: string }>();
    expect(row?.carrier).toBe("twilio");
    // Where it is on (development, tests), the simulator is still a carrier.
    const dev = await call("/api/admin/numbers", {
      cookie: admin,
      json: { e164: "+1 555 123 0033", label: "Sim", carrier: "simulator" },
    });
    expect(dev.status).toBe(201);
  });

  it("refuses a number already in use with 409 and a non-number with 400", async ({ expect }) => {
    const dup = await call("/api/admin/numbers", {
      cookie: admin,
      json: { e164: "+15551230001", label: "Again", carrier: "simulator" },
    });
    expect(dup.status).toBe(409);
    const bad = await call("/api/admin/numbers", {
      cookie: admin,
      json: { e164: "call me", label: "Nope", carrier: "simulator" },
    });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad))?.message).toMatch(/^e164: /);
  });

  it("changes label and timezone, and refuses an unknown timezone", async ({ expect }) => {
    const { numbers } = await (
      await call("/api/numbers", { cookie: admin })
    ).json<{ numbers: { id: number; label: string }[] }>();
    const main = numbers.find((n) => n.label === "Main office");
    if (!main) throw new Error("demo number missing");
    const ok = await call(`/api/admin/numbers/${main.id}`, {
      method: "PATCH",
      cookie: admin,
      json: { label: "Main desk", timezone: "America/Denver" },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json<{ number: { label: string; timezone: string } }>()).number).toMatchObject({
      label: "Main desk",
      timezone: "America/Denver",
    });
    const bad = await call(`/api/admin/numbers/${main.id}`, {
      method: "PATCH",
      cookie: admin,
      json: { timezone: "Mars/Olympus" },
    });
    expect(bad.status).toBe(400);
  });

  it("records number changes in the audit trail without secrets", async ({ expect }) => {
    const { entries } = await (
      await call("/api/admin/audit", { cookie: admin })
    ).json<{
      entries: { action: string; detail: unknown }[];
    }>();
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(["number.create", "number.update"]));
    expect(JSON.stringify(entries)).not.toContain(twilio.authToken);
  });
});

describe("practice settings", () => {
  it("changes the queue window and idle timeout within limits", async ({ expect }) => {
    const ok = await call("/api/admin/settings", {
      method: "PATCH",
      cookie: admin,
      json: { queueWindowDays: 14, idleTimeoutMinutes: 15 },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json<{ settings: { queueWindowDays: number } }>()).settings.queueWindowDays).toBe(14);
    const quiet = await call("/api/admin/settings", {
      method: "PATCH",
      cookie: admin,
      json: { quietHoursStart: "09:00", quietHoursEnd: "20:00" },
    });
    expect((await quiet.json<{ settings: { quietHoursEnd: string } }>()).settings.quietHoursEnd).toBe(
      "20:00",
    );
    for (const json of [
      { queueWindowDays: 0 },
      { idleTimeoutMinutes: 1 },
      {},
      { color: "blue" },
      { quietHoursStart: "25:00" },
      { quietHoursStart: "21:00", quietHoursEnd: "08:00" },
    ]) {
      expect((await call("/api/admin/settings", { method: "PATCH", cookie: admin, json })).status).toBe(400);
    }
  });
});
