import type { Context } from "hono";
import type { PublicEnv } from "../env";
import type { RawWebhook } from "../carriers/carrier";
import { payloadTooLarge } from "../lib/errors";
import { MAX_WEBHOOK_BYTES } from "../messaging/receive-webhook";

/**
 * Reads a webhook once, as raw text (signatures cover the exact bytes). A declared length over the limit is
 * refused before reading; the pipeline checks the real size again, since Content-Length can be absent.
 * The URL is rebuilt on PUBLIC_BASE_URL because Twilio signs the URL it was configured with, which behind
 * routes and custom domains need not be `request.url`.
 */
export async function readWebhook(
  c: Context<PublicEnv>,
  endpoint: RawWebhook["endpoint"],
): Promise<RawWebhook> {
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > MAX_WEBHOOK_BYTES) {
    throw payloadTooLarge("The webhook body is over 64 KiB.");
  }
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
