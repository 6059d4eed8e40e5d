import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import { insertApiKey, listApiKeys, revokeApiKey } from "../db/queries/api-keys";
import { setWebhook } from "../db/queries/webhooks";
import { encryptJson } from "../lib/credentials";
import { notFound } from "../lib/errors";
import { randomToken, sha256Hex } from "../lib/crypto";
import { idParam } from "../lib/schemas";
import { validate } from "../lib/validate";
import { API_KEY_PREFIX } from "../middleware/api-key";
import { requestExample } from "./api-v1-examples";
import { limitBody } from "../middleware/body-limit";

const webhookBody = z.strictObject({
  url: z.url({ protocol: /^https$/, error: "must be an https:// URL" }).max(500),
});

const createKey = z.strictObject({ name: z.string().trim().min(1, "is required").max(100) });

/** Characters of the secret kept in clear, so admins can match a key to the system using it. */
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

const keyExample = {
  id: 3,
  name: "Practice management sync",
  prefix: "tdk_Xq3vR9aB",
  createdAt: 1767225600000,
  lastUsedAt: null,
  revokedAt: null,
  webhookUrl: null,
};

/**
 * Admin: API keys for the practice-management system (/api/v1). The secret is 32 random bytes, returned once
 * by the create call; D1 keeps only its SHA-256 (a random 256-bit secret needs no slow KDF: there is nothing
 * to guess), so a leaked database yields no usable key.
 */
export const adminApiKeyRoutes = new Hono<StaffEnv>()
  .get(
    "/",
    describeRoute({
      tags: ["admin"],
      summary: "List the practice's API keys (name, prefix, created, last used, revoked)",
      responses: {
        200: {
          description: "Newest first",
          content: { "application/json": { example: { apiKeys: [keyExample] } } },
        },
      },
    }),
    async (c) => {
      const apiKeys = await listApiKeys(c.get("db"), c.get("session").org.id);
      return c.json({ apiKeys }, 200);
    },
  )
  .post(
    "/",
    describeRoute({
      tags: ["admin"],
      summary: "Create an API key; the secret is in this answer only",
      responses: {
        201: {
          description: "The key and its secret, shown once",
          content: {
            "application/json": {
              example: { apiKey: keyExample, secret: "tdk_Xq3vR9aB…43 characters in all after tdk_" },
            },
          },
        },
      },
    }),
    limitBody(4 * 1024),
    validate("json", createKey),
    requestExample(createKey, { name: "Practice management sync" }),
    async (c) => {
      const session = c.get("session");
      const secret = `${API_KEY_PREFIX}${randomToken(32)}`;
      const apiKey = await insertApiKey(
        c.get("db"),
        {
          orgId: session.org.id,
          userId: session.user.id,
          name: c.req.valid("json").name,
          prefix: secret.slice(0, SHOWN_PREFIX_LENGTH),
          secretHash: await sha256Hex(secret),
        },
        Date.now(),
      );
      c.header("Cache-Control", "no-store");
      return c.json({ apiKey, secret }, 201);
    },
  )
  .delete(
    "/:id",
    describeRoute({
      tags: ["admin"],
      summary: "Revoke an API key (its next request is refused with 401)",
      responses: {
        200: {
          description: "The revoked key",
          content: {
            "application/json": { example: { apiKey: { ...keyExample, revokedAt: 1767312000000 } } },
          },
        },
        404: { description: "No live key of this practice has that id" },
      },
    }),
    validate("param", idParam),
    async (c) => {
      const session = c.get("session");
      const apiKey = await revokeApiKey(
        c.get("db"),
        session.org.id,
        c.req.valid("param").id,
        session.user.id,
        Date.now(),
      );
      if (!apiKey) throw notFound("API key");
      return c.json({ apiKey }, 200);
    },
  )
  .put(
    "/:id/webhook",
    describeRoute({
      tags: ["admin"],
      summary:
        "Send this key's practice system signed webhooks (replies, status changes); the secret is shown once",
      description:
        "Each POST carries Textdesk-Event, Textdesk-Timestamp (Unix seconds) and Textdesk-Signature: " +
        "v1=<hex HMAC-SHA256(secret, timestamp + '.' + raw body)>. Events arrive in order, at least once.",
      responses: {
        200: {
          description: "The webhook and its signing secret",
          content: {
            "application/json": {
              example: { webhook: { url: "https://pms.example.com/textdesk" }, secret: "whsec_…" },
            },
          },
        },
        404: { description: "No live key of this practice has that id" },
      },
    }),
    limitBody(4 * 1024),
    validate("param", idParam),
    validate("json", webhookBody),
    requestExample(webhookBody, { url: "https://pms.example.com/textdesk" }),
    async (c) => {
      const session = c.get("session");
      const secret = `whsec_${randomToken(32)}`;
      const { url } = c.req.valid("json");
      const updated = await setWebhook(
        c.get("db"),
        { orgId: session.org.id, keyId: c.req.valid("param").id, userId: session.user.id },
        { url, secretCiphertext: await encryptJson(c.env.CREDENTIALS_KEY, secret) },
        Date.now(),
      );
      if (!updated) throw notFound("API key");
      c.header("Cache-Control", "no-store");
      return c.json({ webhook: { url }, secret }, 200);
    },
  )
  .delete(
    "/:id/webhook",
    describeRoute({ tags: ["admin"], summary: "Stop this key's webhooks" }),
    validate("param", idParam),
    async (c) => {
      const session = c.get("session");
      const updated = await setWebhook(
        c.get("db"),
        { orgId: session.org.id, keyId: c.req.valid("param").id, userId: session.user.id },
        null,
        Date.now(),
      );
      if (!updated) throw notFound("API key");
      return c.json({ webhook: null }, 200);
    },
  );
