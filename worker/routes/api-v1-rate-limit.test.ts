import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { errorOf, seed } from "../test/helpers";
import { RATE_LIMIT, RATE_WINDOW_MS } from "../middleware/api-key";
import { api, createApiKey } from "../test/practice-api";

beforeAll(seed);

describe("per-key rate limit", () => {
  it(`allows ${RATE_LIMIT} requests a minute per key, then answers 429 with Retry-After`, async ({
    expect,
  }) => {
    // Start well inside a window so the whole burst lands in one.
    const intoWindow = Date.now() % RATE_WINDOW_MS;
    if (intoWindow > RATE_WINDOW_MS - 15_000) {
      await new Promise((r) => setTimeout(r, RATE_WINDOW_MS - intoWindow + 50));
    }
    const busy = await createApiKey("Busy");
    const calm = await createApiKey("Calm");
    const statuses = [];
    for (let i = 0; i < RATE_LIMIT; i++) statuses.push((await api(busy.secret, "/messages/1")).status);
    expect(statuses.every((s) => s === 404)).toBe(true);

    const limited = await api(busy.secret, "/messages/1");
    expect(limited.status).toBe(429);
    expect((await errorOf(limited))?.code).toBe("rate_limited");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another key of the same practice has its own budget.
    expect((await api(calm.secret, "/messages/1")).status).toBe(404);

    // The next window starts afresh: pretend the current one began a minute ago.
    await env.DB.prepare("update api_keys set rate_window_start = rate_window_start - ? where id = ?")
      .bind(RATE_WINDOW_MS, busy.id)
      .run();
    expect((await api(busy.secret, "/messages/1")).status).toBe(404);
  });
});
