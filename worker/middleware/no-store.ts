import { createMiddleware } from "hono/factory";

/**
 * Every /api response carries patient data or answers about it, so no cache (the browser's, a proxy's or the
 * installed app's service worker) may keep a copy: `Cache-Control: no-store` on all of them, errors and 401s
 * included. A route that already says no-store in a stricter form (the export download's
 * `private, no-store`) keeps its own header. Mounted first on /api/* so it also covers the answers of the
 * guards and of onError, which Hono hands back through this middleware's `next()`.
 */
export const noStore = createMiddleware(async (c, next) => {
  await next();
  // A 101 handed back by the Durable Object has immutable headers, and a socket is never cached anyway.
  if (c.res.status === 101) return;
  const current = c.res.headers.get("cache-control");
  if (current && /(^|,)\s*no-store\s*(,|$)/i.test(current)) return;
  c.header("Cache-Control", "no-store");
});
