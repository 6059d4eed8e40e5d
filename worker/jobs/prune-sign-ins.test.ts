import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../index";
import { LOGIN_WINDOW_MS } from "../db/queries/sessions";
import { call, DEMO, seed, signInAdmin, signInStaff } from "../test/helpers";
import { count } from "../test/carriers";

beforeAll(seed);

const wrongPassword = (email: string, ip: string) =>
  call("/api/auth/login", {
    json: { email, password: "not-the-password" },
    headers: { "cf-connecting-ip": ip },
  });

async function runCronAt(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "17 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("the hourly prune of sign-in counters", () => {
  it("keeps a counter while its window runs (it still blocks) and deletes it once the window is over", async () => {
    for (let i = 0; i < 6; i++) await wrongPassword(DEMO.staff.email, "203.0.113.7");
    await wrongPassword("sprayed@example.com", "203.0.113.8");
    const started = Date.now();
    expect(await count("login_throttle")).toBe(4);

    // Within the window: nothing goes, and the account is still locked out.
    await runCronAt(started);
    expect(await count("login_throttle")).toBe(4);
    expect((await wrongPassword(DEMO.staff.email, "203.0.113.9")).status).toBe(429);

    // Once the window is over every counter of that window goes: the e-mails and addresses it held too.
    await runCronAt(started + LOGIN_WINDOW_MS + 60_000);
    expect(await count("login_throttle")).toBe(0);
  });
});

describe("the hourly prune of idle sessions", () => {
  it("deletes a session idle past the practice's timeout and keeps one in use", async () => {
    await env.DB.prepare("DELETE FROM sessions").run();
    const idle = await signInStaff();
    const inUse = await signInAdmin();
    // The staff member walked away 31 minutes ago (the demo practice logs off after 30).
    await env.DB.prepare(
      "UPDATE sessions SET last_seen_at = last_seen_at - ? WHERE user_id = (SELECT id FROM users WHERE email = ?)",
    )
      .bind(31 * 60_000, DEMO.staff.email)
      .run();
    expect(await count("sessions")).toBe(2);

    await runCronAt(Date.now());

    expect(await count("sessions")).toBe(1);
    expect((await call("/api/auth/me", { cookie: inUse })).status).toBe(200);
    expect((await call("/api/auth/me", { cookie: idle })).status).toBe(401);
  });
});
