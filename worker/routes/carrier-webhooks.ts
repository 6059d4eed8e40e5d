import { Hono, type Context } from "hono";
import { describeRoute } from "hono-openapi";
import type { AppEnv } from "../env";
import type { CarrierAdapter, RawWebhook } from "../carriers/carrier";
import { telnyxAdapter } from "../carriers/telnyx";
import { twilioAdapter } from "../carriers/twilio";
import { receiveWebhook } from "../messaging/receive-webhook";
import { readWebhook } from "./webhook-body";

/**
 * Twilio expects TwiML back, with a content type: an empty 200 without one is logged as error 12300.
 * An empty <Response/> means "no reply from here"; replies are sent through the REST API instead.
 */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

async function run<P>(c: Context<AppEnv>, adapter: CarrierAdapter<P>, endpoint: RawWebhook["endpoint"]) {
  const raw = await readWebhook(c, endpoint);
  return receiveWebhook({
    db: c.get("db"),
    env: c.env,
    adapter,
    raw,
    now: Date.now(),
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  });
}

/** Carrier webhooks. No session: each request is authenticated by its carrier signature instead. */
export const webhookRoutes = new Hono<AppEnv>()
  .post(
    "/twilio/messages",
    describeRoute({ tags: ["webhooks"], summary: "Twilio: a text arrived (X-Twilio-Signature)" }),
    async (c) => {
      await run(c, twilioAdapter, "messages");
      return c.body(EMPTY_TWIML, 200, { "content-type": "text/xml; charset=utf-8" });
    },
  )
  .post(
    "/twilio/status",
    describeRoute({ tags: ["webhooks"], summary: "Twilio: delivery status of a text we sent" }),
    async (c) => {
      await run(c, twilioAdapter, "status");
      return c.body(EMPTY_TWIML, 200, { "content-type": "text/xml; charset=utf-8" });
    },
  )
  .post(
    "/telnyx",
    describeRoute({
      tags: ["webhooks"],
      summary: "Telnyx: message.received, message.sent, message.finalized",
    }),
    async (c) => {
      const outcome = await run(c, telnyxAdapter, "events");
      return c.json({ ok: true, outcome }, 200);
    },
  );
