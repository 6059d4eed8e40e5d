import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { PublicEnv } from "../env";
import type { CarrierAdapter } from "../carriers/carrier";
import { CARRIER_ADAPTERS } from "../carriers/registry";
import { receiveWebhook } from "../messaging/receive-webhook";
import { limitBody } from "../middleware/body-limit";
import { readWebhook } from "./webhook-body";

/** A real SMS webhook is a few kilobytes; anything over this is refused before the body is read. */
const MAX_WEBHOOK_BYTES = 64 * 1024;

/**
 * Carrier webhooks, mounted under /webhooks: every route of every adapter in the registry. No session: each
 * request is authenticated by its carrier signature instead (verified inside receiveWebhook).
 */
export const carrierWebhookRoutes = new Hono<PublicEnv>();

for (const listed of CARRIER_ADAPTERS) {
  // Widened to the common interface: the pipeline does not care about the carrier's payload type.
  const adapter: CarrierAdapter = listed;
  for (const route of adapter.webhooks) {
    carrierWebhookRoutes.post(
      route.path,
      describeRoute({ tags: ["webhooks"], summary: route.summary }),
      // Before the body is read, so before the clinic number is looked up or the signature checked.
      limitBody(MAX_WEBHOOK_BYTES),
      async (c) => {
        const raw = await readWebhook(c, route.endpoint);
        const outcome = await receiveWebhook({
          db: c.get("db"),
          env: c.env,
          adapter,
          raw,
          now: Date.now(),
          waitUntil: (p) => c.executionCtx.waitUntil(p),
        });
        return route.answer(c, outcome);
      },
    );
  }
}
