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
import { fileParams, serveFile } from "./media";
import { getMessageFile, mediaByMessage } from "../db/queries/media";
import { conversationPhone } from "../db/queries/conversations";
import { toMessageMedia } from "../messaging/media";
import { UPLOAD_MAX_BYTES } from "../shared/media";

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
      summary:
        "Text a clinic number as a patient's phone: { from, to, body, media?: [{ contentType, data (base64) }] } (at most 3 files, 5 MB in all), through the real pipeline",
    }),
    // { from, to, body, media? }: 1,600 characters of text and up to 5 MB of files in base64 (4/3 larger).
    limitBody(Math.ceil((UPLOAD_MAX_BYTES * 4) / 3) + 16 * 1024),
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
      const messages = await listPhoneThread(db, number.id, phone);
      const media = await mediaByMessage(
        db,
        messages.map((m) => m.id),
      );
      // The phone's own pictures and the clinic's, served below without a session (this phone's only).
      const url = (row: { messageId: number | null; n: number }) =>
        `/api/simulator/phones/${encodeURIComponent(phone)}/media/${row.messageId ?? 0}/${row.n}?to=${encodeURIComponent(to)}`;
      return c.json(
        {
          messages: messages.map((m) => ({
            ...m,
            media: (media.get(m.id) ?? []).map((row) => toMessageMedia(row, url)),
          })),
        },
        200,
      );
    },
  )
  .get(
    "/phones/:phone/media/:messageId/:n",
    describeRoute({
      tags: ["simulator"],
      summary: "A photo or file of the phone's thread with a simulator number (?to=), for the phone's screen",
    }),
    validate("param", fileParams.extend({ phone: phoneSchema })),
    validate("query", z.object({ to: phoneSchema, download: z.enum(["0", "1"]).optional() })),
    async (c) => {
      const { phone, messageId, n } = c.req.valid("param");
      const { to, download } = c.req.valid("query");
      const db = c.get("db");
      const number = await findNumberByE164(db, to);
      if (!number || number.carrier !== "simulator") throw notFound("Simulator number");
      const found = await getMessageFile(db, messageId, n);
      if (
        !found ||
        found.message.numberId !== number.id ||
        found.message.direction === "internal" ||
        (await conversationPhone(db, found.message.conversationId)) !== phone
      ) {
        throw notFound("File");
      }
      return serveFile(c.env.HISTORY, found.media, download === "1");
    },
  );
