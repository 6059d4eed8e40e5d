/**
 * @module Web Push for the signed-in user: the VAPID public key the browser subscribes with, and the user's
 * own devices (add, list, remove). What a push says and when it is sent: worker/push/notify.ts.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { StaffEnv } from "../env";
import { deleteUserDevice, listUserDevices, upsertDevice } from "../db/queries/push-subscriptions";
import { AppError, badRequest, notFound } from "../lib/errors";
import { idParam } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";
import { deviceLabel, subscriptionProblem, subscriptionSchema } from "../push/subscription-input";

/** Devices per user: a phone, a laptop and a few browsers; more is a client subscribing in a loop. */
export const MAX_DEVICES = 10;

const deviceExample = {
  id: 3,
  endpoint: "https://fcm.googleapis.com/fcm/send/dAPT…",
  label: "Chrome on Android",
  createdAt: 1767225600000,
  lastSuccessAt: null,
  failingSince: null,
};

export const pushRoutes = new Hono<StaffEnv>()
  .get(
    "/vapid-public-key",
    describeRoute({
      tags: ["notifications"],
      summary: "The application server key to pass to pushManager.subscribe (base64url, RFC 8292)",
      responses: {
        200: {
          description: "The VAPID public key",
          content: { "application/json": { example: { publicKey: "BDcstQb5o6eO…" } } },
        },
        503: { description: "Push is not configured on this server (no VAPID keys)" },
      },
    }),
    (c) => {
      const publicKey = c.env.VAPID_PUBLIC_KEY;
      if (!publicKey || !publicKey.startsWith("B")) {
        throw new AppError(503, "push_unavailable", "Notifications are not set up on this server.");
      }
      return c.json({ publicKey }, 200);
    },
  )
  .get(
    "/subscriptions",
    describeRoute({
      tags: ["notifications"],
      summary: "The signed-in user's devices that get notifications",
      responses: {
        200: {
          description: "Oldest first",
          content: { "application/json": { example: { devices: [deviceExample] } } },
        },
      },
    }),
    async (c) => c.json({ devices: await listUserDevices(c.get("db"), c.get("session").user.id) }, 200),
  )
  .post(
    "/subscriptions",
    describeRoute({
      tags: ["notifications"],
      summary:
        "Notify this device: store the browser's PushSubscription JSON {endpoint, expirationTime, keys}",
      responses: {
        201: {
          description: "Stored",
          content: { "application/json": { example: { device: deviceExample } } },
        },
        200: { description: "This device was already stored for this user (keys refreshed)" },
        400: {
          description:
            "Not https (invalid_subscription), a p256dh that is not a P-256 point, an auth that is not 16 bytes",
        },
        409: { description: "Already 10 devices (too_many_devices): remove one first" },
      },
    }),
    // A subscription is about 700 bytes of JSON.
    limitBody(8 * 1024),
    validate("json", subscriptionSchema),
    async (c) => {
      const input = c.req.valid("json");
      const problem = await subscriptionProblem(input, c.env.PUSH_ALLOW_LOOPBACK === "true");
      if (problem) throw badRequest(problem, "invalid_subscription");
      const session = c.get("session");
      const result = await upsertDevice(
        c.get("db"),
        {
          orgId: session.org.id,
          userId: session.user.id,
          endpoint: input.endpoint,
          p256dh: input.keys.p256dh,
          auth: input.keys.auth,
          expirationTime: input.expirationTime,
          label: deviceLabel(c.req.header("user-agent")),
        },
        MAX_DEVICES,
        Date.now(),
      );
      if (!result) {
        throw new AppError(
          409,
          "too_many_devices",
          `You already get notifications on ${MAX_DEVICES} devices. Remove one to add this one.`,
        );
      }
      return c.json({ device: result.device }, result.created ? 201 : 200);
    },
  )
  .delete(
    "/subscriptions/:id",
    describeRoute({
      tags: ["notifications"],
      summary: "Stop notifying one of the signed-in user's devices",
      responses: {
        200: {
          description: "Removed",
          content: { "application/json": { example: { device: deviceExample } } },
        },
        404: { description: "Not one of the caller's devices" },
      },
    }),
    validate("param", idParam),
    async (c) => {
      const session = c.get("session");
      const removed = await deleteUserDevice(
        c.get("db"),
        { orgId: session.org.id, userId: session.user.id, id: c.req.valid("param").id },
        Date.now(),
      );
      if (!removed) throw notFound("Device");
      return c.json({ device: removed }, 200);
    },
  );
