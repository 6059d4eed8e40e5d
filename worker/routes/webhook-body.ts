import type { Context } from "hono";
import type { PublicEnv } from "../env";
import type { RawWebhook } from "../carriers/carrier";

/**
 * Reads a webhook once, as raw text (signatures cover the exact bytes). Its size was bounded by the route's
 * limitBody before this runs, chunked or not, so reading it whole is safe.
 * The URL is rebuilt on PUBLIC_BASE_URL because Twilio signs the URL it was configured with, which behind
 * routes and custom domains need not be `request.url`.
 */
export async function readWebhook(
  c: Context<PublicEnv>,
  endpoint: RawWebhook["endpoint"],
): Promise<RawWebhook> {
  const rawBody = await c.req.text();
  const requested = new URL(c.req.url);
  const base = c.env.PUBLIC_BASE_URL ? c.env.PUBLIC_BASE_URL.replace(/\/+$/, "") : requested.origin;
  return {
    endpoint,
    url: `${base}${requested.pathname}${requested.search}`,
    headers: c.req.raw.headers,
    contentType: c.req.header("content-type") ?? "",
    rawBody,
  };
}
