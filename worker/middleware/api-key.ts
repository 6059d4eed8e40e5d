import { createMiddleware } from "hono/factory";
import type { PracticeApiEnv } from "../env";
import { useApiKey } from "../db/queries/api-keys";
import { getOrganization } from "../db/queries/organizations";
import { AppError } from "../lib/errors";
import { sha256Hex } from "../lib/crypto";

/** Every secret starts with this, so a leaked one is recognisable (and secret scanners can match it). */
export const API_KEY_PREFIX = "tdk_";

/** Requests per key per fixed window. The practice system batches up to 1,000 records per call. */
export const RATE_LIMIT = 60;
export const RATE_WINDOW_MS = 60_000;

/**
 * Authenticates `Authorization: Bearer tdk_…` for the practice-system API and counts the request against the
 * key's per-minute budget. Unknown and revoked keys get the same 401, so a caller cannot tell them apart. The
 * count lives in D1 next to the key (not in the Workers Rate Limiting binding): it is exact across
 * locations, and it knows when the window ends, which Retry-After must say.
 */
export function requireApiKey(options: { now?: () => number } = {}) {
  return createMiddleware<PracticeApiEnv>(async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    const secret = match?.[1];
    if (!secret?.startsWith(API_KEY_PREFIX))
      throw invalidKey("Send an API key as Authorization: Bearer tdk_…");
    const db = c.get("db");
    const now = options.now?.() ?? Date.now();
    const key = await useApiKey(db, await sha256Hex(secret), now, RATE_WINDOW_MS);
    const org = key && (await getOrganization(db, key.orgId));
    if (!key || !org) throw invalidKey("This API key is unknown or has been revoked.");
    if (key.rateCount > RATE_LIMIT) {
      const retryAfter = Math.max(1, Math.ceil((key.windowStart + RATE_WINDOW_MS - now) / 1000));
      throw new AppError(
        429,
        "rate_limited",
        `At most ${RATE_LIMIT} requests a minute per key. Try again in ${retryAfter} s.`,
        { "Retry-After": String(retryAfter) },
      );
    }
    c.set("apiKey", { keyId: key.id, org });
    await next();
  });
}

function invalidKey(message: string) {
  return new AppError(401, "invalid_api_key", message, { "WWW-Authenticate": 'Bearer realm="textdesk-api"' });
}
