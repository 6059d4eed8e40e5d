import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { PublicEnv } from "../env";
import { simulatorAdapter } from "../carriers/simulator/adapter";
import { findNumberByE164, listSimulatorNumbers } from "../db/queries/numbers";
import { listPhoneThread } from "../db/queries/messages";
import { notFound } from "../lib/errors";
import { phoneSchema } from "../lib/schemas";
import { validate } from "../lib/validate";
import { receiveWebhook } from "../messaging/receive-webhook";
import { limitBody } from "../middleware/body-limit";
import { readWebhook } from "./webhook-body";

/**
 * The phone simulator exists only where SIMULATOR_ENABLED=true (local development, tests): anywhere else
 * every route answers 404 as if it did not exist. It needs no staff session because it plays the patient's
 * phone, which is also why it only ever touches numbers whose carrier is the simulator.
 */
const enabledOnly = createMiddleware<PublicEnv>(async (c, next) => {
  if (c.env.SIMULATOR_ENABLED !== "true") throw notFound("Route");
  await next();
});

export const simulatorRoutes = new Hono<PublicEnv>()
  .use(enabledOnly)
  .get(
    "/numbers",
    describeRoute({ tags: ["simulator"], summary: "Clinic numbers the simulator can text" }),
    async (c) => {
      const numbers = await listSimulatorNumbers(c.get("db"));
      return c.json({ numbers }, 200);
    },
  )
  .post(
    "/messages",
    describeRoute({
      tags: ["simulator"],
      summary: "Text a clinic number as a patient's phone: { from, to, body }, through the real pipeline",
    }),
    // { from, to, body } with at most 1,600 characters of text.
    limitBody(8 * 1024),
    async (c) => {
      const raw = await readWebhook(c, "messages");
      const outcome = await receiveWebhook({
        db: c.get("db"),
        env: c.env,
        adapter: simulatorAdapter,
        raw,
        now: Date.now(),
        waitUntil: (p) => c.executionCtx.waitUntil(p),
      });
      return c.json({ outcome }, 201);
    },
  )
  .get(
    "/phones/:phone/messages",
    describeRoute({
      tags: ["simulator"],
      summary: "The phone's screen: its thread with one simulator number",
    }),
    validate("param", z.object({ phone: phoneSchema })),
    validate("query", z.object({ to: phoneSchema })),
    async (c) => {
      const { phone } = c.req.valid("param");
      const { to } = c.req.valid("query");
      const db = c.get("db");
      const number = await findNumberByE164(db, to);
      if (!number || number.carrier !== "simulator") throw notFound("Simulator number");
      return c.json({ messages: await listPhoneThread(db, number.id, phone) }, 200);
    },
  );
