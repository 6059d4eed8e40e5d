import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { beforeAll, describe, it } from "vitest";
import type { PracticeApiEnv } from "../env";
import { createDb } from "../db/client";
import { AppError, type ErrorBody } from "../lib/errors";
import { RATE_LIMIT, RATE_WINDOW_MS, requireApiKey } from "../middleware/api-key";
import { seed } from "../test/helpers";
import { createApiKey } from "../test/practice-api";

beforeAll(seed);

/** The test's clock: the middleware reads it instead of Date.now(), so windows start and end on demand. */
let now = 0;

/**
 * The rate-limit middleware in front of a route that answers 204, over the real D1 key rows. Errors answer
 * in the API's shape, as app.ts's onError does, so status, code and Retry-After are what a caller sees.
 */
const probe = new Hono<PracticeApiEnv>()
  .use(async (c, next) => {
    c.set("db", createDb(c.env.DB));
    await next();
  })
  .use(requireApiKey({ now: () => now }))
  .get("/", (c) => c.body(null, 204))
  .onError((error, c) => {
    if (!(error instanceof AppError)) throw error;
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json<ErrorBody>({ error: { code: error.code, message: error.message } }, error.status);
  });

const ask = (secret: string) => probe.request("/", { headers: { authorization: `Bearer ${secret}` } }, env);

describe("per-key rate limit", () => {
  it(`allows ${RATE_LIMIT} requests a minute per key, then answers 429 with Retry-After`, async ({
    expect,
  }) => {
    const busy = await createApiKey("Busy");
    const calm = await createApiKey("Calm");
    // 45 s into a window (a fixed, made-up instant): 15 s are left of it.
    const windowStart = 1_800_000_000_000 - (1_800_000_000_000 % RATE_WINDOW_MS);
    now = windowStart + 45_000;

    const statuses = [];
    for (let i = 0; i < RATE_LIMIT; i++) statuses.push((await ask(busy.secret)).status);
    expect(statuses).toEqual(Array.from({ length: RATE_LIMIT }, () => 204));

    const limited = await ask(busy.secret);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("15");
    expect((await limited.json<ErrorBody>()).error.code).toBe("rate_limited");
    // Another key of the same practice has its own budget.
    expect((await ask(calm.secret)).status).toBe(204);

    // Still the same window one millisecond before it ends; Retry-After never says 0.
    now = windowStart + RATE_WINDOW_MS - 1;
    const last = await ask(busy.secret);
    expect(last.status).toBe(429);
    expect(last.headers.get("retry-after")).toBe("1");

    // The next window starts afresh.
    now = windowStart + RATE_WINDOW_MS;
    expect((await ask(busy.secret)).status).toBe(204);
  });
});
