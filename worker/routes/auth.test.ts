import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, errorOf, seed, signIn, signInAdmin, signInStaff } from "../test/helpers";

beforeAll(seed);

describe("sign in", () => {
  it("sets a __Host- prefixed HttpOnly, Secure, SameSite=Lax session cookie and returns the user", async ({
    expect,
  }) => {
    const res = await call("/api/auth/login", {
      json: { email: DEMO.admin.email, password: DEMO.admin.password },
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    // __Host-: the browser keeps it only if Secure, Path=/ and no Domain, so a subdomain cannot plant one.
    expect(cookie).toMatch(/^__Host-td_session=/);
    expect(cookie).toMatch(/Path=\/(;|$)/);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const body = await res.json<{ user: { email: string; role: string; passwordHash?: string } }>();
    expect(body.user.email).toBe(DEMO.admin.email);
    expect(body.user.role).toBe("admin");
    expect(body.user.passwordHash).toBeUndefined();
  });

  it("accepts the e-mail in any case", async ({ expect }) => {
    const res = await call("/api/auth/login", {
      json: { email: "STAFF@Example.com", password: DEMO.staff.password },
    });
    expect(res.status).toBe(200);
  });

  it("gives the same 401 for a wrong password and an unknown e-mail", async ({ expect }) => {
    const wrong = await call("/api/auth/login", {
      json: { email: DEMO.staff.email, password: "nope-nope-nope" },
    });
    const unknown = await call("/api/auth/login", {
      json: { email: "ghost@example.com", password: "nope-nope-nope" },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await errorOf(wrong)).toEqual(await errorOf(unknown));
  });

  it("refuses malformed JSON and unknown fields with a 400 naming the problem", async ({ expect }) => {
    const malformed = await call("/api/auth/login", {
      method: "POST",
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed))?.message).toMatch(/JSON/i);
    const extra = await call("/api/auth/login", {
      json: { email: DEMO.admin.email, password: "x", admin: true },
    });
    expect(extra.status).toBe(400);
    expect((await errorOf(extra))?.message).toMatch(/admin/);
  });

  it("locks an e-mail out with 429 and Retry-After after five wrong passwords", async ({ expect }) => {
    const email = "locked@example.com";
    for (let i = 0; i < 5; i++) {
      expect((await call("/api/auth/login", { json: { email, password: "wrong-password" } })).status).toBe(
        401,
      );
    }
    const res = await call("/api/auth/login", { json: { email, password: "wrong-password" } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  // Changed with issue 11 §3: a disabled account used to answer 403 account_disabled, which told a guesser
  // both that the account exists and that the password was right. It now answers like a wrong password.
  it("answers a disabled account like a wrong password, whether or not the password is right", async ({
    expect,
  }) => {
    const admin = await signInAdmin();
    const created = await call("/api/admin/users", {
      cookie: admin,
      json: { email: "temp@example.com", name: "Temp", role: "staff", password: "temporary-pass" },
    });
    expect(created.status).toBe(201);
    const { user } = await created.json<{ user: { id: number } }>();
    const tempCookie = await signIn("temp@example.com", "temporary-pass");
    await call(`/api/admin/users/${user.id}`, { method: "PATCH", cookie: admin, json: { active: false } });
    const right = await call("/api/auth/login", {
      json: { email: "temp@example.com", password: "temporary-pass" },
    });
    const wrong = await call("/api/auth/login", {
      json: { email: "temp@example.com", password: "not-the-password" },
    });
    const unknown = await call("/api/auth/login", {
      json: { email: "nobody-here@example.com", password: "not-the-password" },
    });
    expect([right.status, wrong.status, unknown.status]).toEqual([401, 401, 401]);
    const answers = await Promise.all([right, wrong, unknown].map(errorOf));
    expect(answers[0]).toEqual({ code: "invalid_credentials", message: answers[2]?.message });
    expect(answers[1]).toEqual(answers[2]);
    expect(right.headers.get("set-cookie")).toBeNull();
    // Disabling also ends the sessions the user already had.
    expect((await call("/api/auth/me", { cookie: tempCookie })).status).toBe(401);
  });
});

describe("session", () => {
  it("answers 401 without a cookie and with a made-up one", async ({ expect }) => {
    expect((await call("/api/auth/me")).status).toBe(401);
    expect((await call("/api/auth/me", { cookie: "__Host-td_session=forged" })).status).toBe(401);
  });

  it("reads only the __Host- cookie: a valid token under the bare name (as a subdomain could set) is no session", async ({
    expect,
  }) => {
    const token = (await signInStaff()).split("=")[1] ?? "";
    expect((await call("/api/auth/me", { cookie: `__Host-td_session=${token}` })).status).toBe(200);
    expect((await call("/api/auth/me", { cookie: `td_session=${token}` })).status).toBe(401);
  });

  it("signs out: the old cookie stops working", async ({ expect }) => {
    const cookie = await signInStaff();
    expect((await call("/api/auth/me", { cookie })).status).toBe(200);
    expect((await call("/api/auth/logout", { method: "POST", cookie })).status).toBe(200);
    expect((await call("/api/auth/me", { cookie })).status).toBe(401);
  });

  it("signs out after the practice's idle timeout", async ({ expect }) => {
    const cookie = await signInStaff();
    // Pretend the last request was 31 minutes ago (the demo practice idles out after 30).
    await env.DB.prepare("UPDATE sessions SET last_seen_at = last_seen_at - ?")
      .bind(31 * 60_000)
      .run();
    const res = await call("/api/auth/me", { cookie });
    expect(res.status).toBe(401);
    expect((await errorOf(res))?.code).toBe("session_expired");
  });

  it("refuses a cross-site state-changing request (CSRF)", async ({ expect }) => {
    const cookie = await signInStaff();
    const res = await call("/api/patients", {
      cookie,
      json: { firstName: "Eve", lastName: "Attacker", phone: "+15550009999" },
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(res.status).toBe(403);
    expect((await errorOf(res))?.code).toBe("csrf");
  });
});

describe("notification switches", () => {
  it("lets a user mute their own toast and chime, and nothing else", async ({ expect }) => {
    const cookie = await signInStaff();
    const res = await call("/api/auth/preferences", { method: "PATCH", cookie, json: { muteSound: true } });
    expect(res.status).toBe(200);
    const me = await (
      await call("/api/auth/me", { cookie })
    ).json<{ user: { muteSound: boolean; muteAlerts: boolean } }>();
    expect(me.user).toMatchObject({ muteSound: true, muteAlerts: false });
    const sneaky = await call("/api/auth/preferences", { method: "PATCH", cookie, json: { role: "admin" } });
    expect(sneaky.status).toBe(400);
  });
});

describe("idle sign-out counts people, not the app", () => {
  it("a background request does not extend the session; a user's request does", async ({ expect }) => {
    const cookie = await signInStaff();
    const lastSeen = async () =>
      (await env.DB.prepare("SELECT max(last_seen_at) AS t FROM sessions").first<{ t: number }>())?.t ?? 0;
    await env.DB.prepare("UPDATE sessions SET last_seen_at = ?")
      .bind(Date.now() - 20 * 60_000)
      .run();
    const before = await lastSeen();
    const background = await call("/api/queue/summary", {
      cookie,
      headers: { "x-textdesk-background": "1" },
    });
    expect(background.status).toBe(200);
    expect(await lastSeen()).toBe(before);
    expect((await call("/api/queue/summary", { cookie })).status).toBe(200);
    expect(await lastSeen()).toBeGreaterThan(before);
  });
});
