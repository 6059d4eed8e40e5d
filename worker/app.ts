/**
 * @module The Hono app: middleware, the one error handler and the route chain. `AppType` carries every
 * route's input and output types to the web client (Hono RPC).
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { openAPIRouteHandler } from "hono-openapi";
import type { AppEnv } from "./env";
import { createDb } from "./db/client";
import { seedDemo } from "./db/seed-demo";
import { AppError, describeError, type ErrorBody } from "./lib/errors";
import { csrfProtection } from "./middleware/csrf";
import { requireAdmin, requireSession } from "./middleware/session";
import { requireApiKey } from "./middleware/api-key";
import { authRoutes } from "./routes/auth";
import { adminUserRoutes } from "./routes/admin-users";
import { adminNumberRoutes, numberRoutes } from "./routes/admin-numbers";
import { adminSettingsRoutes } from "./routes/admin-settings";
import { adminNumberSettingsRoutes } from "./routes/admin-number-settings";
import { liveRoutes } from "./routes/live";
import { conversationRoutes, queueRoutes } from "./routes/queue";
import { messageRoutes } from "./routes/messages";
import { patientRoutes } from "./routes/patients";
import { exportRoutes } from "./routes/exports";
import { setupRoutes } from "./routes/setup";
import { simulatorRoutes } from "./routes/simulator";
import { carrierWebhookRoutes } from "./routes/carrier-webhooks";
import { adminApiKeyRoutes } from "./routes/admin-api-keys";
import { apiV1MessageRoutes } from "./routes/api-v1-messages";
import { apiV1PatientRoutes } from "./routes/api-v1-patients";

/** Seeding runs once per isolate in local development; the promise makes concurrent first requests wait. */
let demoSeeded: Promise<unknown> | undefined;

const app = new Hono<AppEnv>();

const withSecureHeaders = secureHeaders({ referrerPolicy: "same-origin" });
// A 101 response handed back by the Durable Object has immutable headers, and headers mean nothing to it.
app.use((c, next) =>
  c.req.header("upgrade")?.toLowerCase() === "websocket" ? next() : withSecureHeaders(c, next),
);
app.use(async (c, next) => {
  c.set("db", createDb(c.env.DB));
  if (c.env.DEMO_SEED === "true") {
    demoSeeded ??= seedDemo(c.get("db"), c.env.CREDENTIALS_KEY).catch((error: unknown) => {
      demoSeeded = undefined;
      throw error;
    });
    await demoSeeded;
  }
  await next();
});
app.use("/api/*", csrfProtection);
app.use("/api/numbers/*", requireSession);
app.use("/api/patients/*", requireSession);
app.use("/api/exports/*", requireSession);
app.use("/api/live/*", requireSession);
app.use("/api/queue/*", requireSession);
app.use("/api/conversations/*", requireSession);
app.use("/api/messages", requireSession);
app.use("/api/admin/*", requireSession, requireAdmin);
// The practice-system API: API keys only, never the session cookie.
app.use("/api/v1/*", requireApiKey());

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- kept for its type: AppType below is the RPC contract
const routes = app
  .get("/healthz", (c) => c.json({ ok: true }, 200))
  .route("/webhooks", carrierWebhookRoutes)
  .route("/api/simulator", simulatorRoutes)
  .route("/api/setup", setupRoutes)
  .route("/api/auth", authRoutes)
  .route("/api/numbers", numberRoutes)
  .route("/api/patients", patientRoutes)
  .route("/api/exports", exportRoutes)
  .route("/api/live", liveRoutes)
  .route("/api/queue", queueRoutes)
  .route("/api/conversations", conversationRoutes)
  .route("/api", messageRoutes)
  .route("/api/admin/users", adminUserRoutes)
  .route("/api/admin/numbers", adminNumberRoutes)
  .route("/api/admin/numbers", adminNumberSettingsRoutes)
  .route("/api/admin", adminSettingsRoutes)
  .route("/api/admin/api-keys", adminApiKeyRoutes)
  .route("/api/v1/patients", apiV1PatientRoutes)
  .route("/api/v1/messages", apiV1MessageRoutes);

app.get(
  "/api/openapi.json",
  openAPIRouteHandler(app, {
    documentation: {
      info: {
        title: "Textdesk API",
        version: "0.1.0",
        description:
          "Two-way texting inbox for clinics. Browser sessions use the td_session cookie; every error is { error: { code, message } }.",
      },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "td_session" },
          // /api/v1: the practice-management system, with a key an admin created (Settings, API keys).
          apiKey: { type: "http", scheme: "bearer", bearerFormat: "tdk_…" },
        },
      },
      security: [{ session: [] }],
    },
  }),
);

app.notFound((c) => c.json<ErrorBody>({ error: { code: "not_found", message: "No such route." } }, 404));

app.onError((error, c) => {
  if (error instanceof AppError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json<ErrorBody>({ error: { code: error.code, message: error.message } }, error.status);
  }
  if (error instanceof HTTPException) {
    // Hono's own 4xx, e.g. "Malformed JSON in request body" from the validator.
    return c.json<ErrorBody>(
      { error: { code: error.status === 400 ? "invalid_input" : "http_error", message: error.message } },
      error.status,
    );
  }
  // Unexpected: log the kind of failure and the route, never the request body (it may hold PHI).
  console.error(`unhandled ${c.req.method} ${c.req.routePath}:`, describeError(error));
  return c.json<ErrorBody>(
    { error: { code: "internal", message: "Something went wrong on our side." } },
    500,
  );
});

export type AppType = typeof routes;
export default app;
