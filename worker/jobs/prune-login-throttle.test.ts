import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../index";
import { LOGIN_WINDOW_MS } from "../db/queries/sessions";
import { call, DEMO, seed } from "../test/helpers";
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
