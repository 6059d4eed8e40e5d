import { describe, it } from "vitest";
import { call, signIn } from "../test/helpers";

const body = {
  practiceName: "Lakeside Pediatrics",
  timezone: "America/Denver",
  adminName: "Dr. Lake",
  adminEmail: "lake@example.com",
  adminPassword: "a-long-first-password",
};

describe("first-run setup", () => {
  it("needs the setup token, creates the practice and admin once, then refuses", async ({ expect }) => {
    const noToken = await call("/api/setup", { json: body });
    expect(noToken.status).toBe(403);
    const wrong = await call("/api/setup", { json: body, headers: { authorization: "Bearer guess" } });
    expect(wrong.status).toBe(403);
    const ok = await call("/api/setup", {
      json: body,
      headers: { authorization: "Bearer test-setup-token" },
    });
    expect(ok.status).toBe(201);
    const cookie = await signIn(body.adminEmail, body.adminPassword);
    const me = await (
      await call("/api/auth/me", { cookie })
    ).json<{ org: { name: string }; user: { role: string } }>();
    expect(me.org.name).toBe("Lakeside Pediatrics");
    expect(me.user.role).toBe("admin");
    const again = await call("/api/setup", {
      json: body,
      headers: { authorization: "Bearer test-setup-token" },
    });
    expect(again.status).toBe(409);
  });

  it("creates exactly one practice when two setups race", async ({ expect }) => {
    const { env } = await import("cloudflare:workers");
    await env.DB.prepare("DELETE FROM audit_log").run();
    await env.DB.prepare("DELETE FROM sessions").run();
    await env.DB.prepare("DELETE FROM users").run();
    await env.DB.prepare("DELETE FROM organizations").run();
    const attempt = (n: number) =>
      call("/api/setup", {
        json: { ...body, practiceName: `Clinic ${n}`, adminEmail: `first${n}@example.com` },
        headers: { authorization: "Bearer test-setup-token" },
      });
    const statuses = (await Promise.all([attempt(1), attempt(2), attempt(3)])).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    const counts = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM organizations) AS orgs, (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM audit_log WHERE action = 'setup.complete') AS audits",
    ).first();
    expect(counts).toEqual({ orgs: 1, users: 1, audits: 1 });
  });
});
