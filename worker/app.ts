/**
 * @module The Hono app: middleware, the one error handler and the route chain. `AppType` carries every
 * route's input and output types to the web client (Hono RPC).
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { openAPIRouteHandler } from "hono-openapi";
import type { PublicEnv, StaffEnv, PracticeApiEnv } from "./env";
import { createDb } from "./db/client";
import { seedDemo } from "./db/seed-demo";
import { AppError, describeError, type ErrorBody } from "./lib/errors";
import { csrfProtection } from "./middleware/csrf";
import { noStore } from "./middleware/no-store";
import { requireAdmin, requireSession } from "./middleware/session";
import { requireApiKey } from "./middleware/api-key";
import { accountRoutes, signInRoutes } from "./routes/auth";
import { bootstrapRoutes } from "./routes/bootstrap";
import { adminUserRoutes } from "./routes/admin-users";
import { adminNumberRoutes, numberRoutes } from "./routes/admin-numbers";
import { adminSettingsRoutes } from "./routes/admin-settings";
import { adminNumberSettingsRoutes } from "./routes/admin-number-settings";
import { liveRoutes } from "./routes/live";
import { conversationRoutes, queueRoutes } from "./routes/queue";
import { conversationStateRoutes } from "./routes/conversations";
import { appointmentReplyRoutes } from "./routes/appointment-replies";
import { optOutReviewRoutes } from "./routes/opt-out-reviews";
import { messageRoutes } from "./routes/messages";
import { scheduledRoutes } from "./routes/scheduled";
import { patientRoutes } from "./routes/patients";
import { exportRoutes } from "./routes/exports";
import { setupRoutes } from "./routes/setup";
import { simulatorRoutes } from "./routes/simulator";
import { carrierWebhookRoutes } from "./routes/carrier-webhooks";
import { adminApiKeyRoutes } from "./routes/admin-api-keys";
import { apiV1MessageRoutes } from "./routes/api-v1-messages";
import { apiV1PatientRoutes } from "./routes/api-v1-patients";
import { noteRoutes } from "./routes/notes";
import { adminQuickReplyRoutes, quickReplyRoutes } from "./routes/admin-quick-replies";
import { pushRoutes } from "./routes/push";
import { mediaCapabilityRoutes, mediaRoutes } from "./routes/media";

/**
 * The allow-list: the only paths that answer without a session or an API key. Everything else is behind a
 * guard by where it is mounted, and an unknown path under /api answers 401 before it could answer 404, so a
 * forgotten route is closed, not open. `publicRoutes` below may only serve these (checked when the module
 * loads), and worker/routes/protected-by-default.test.ts walks every route of the app against it.
 */
export const PUBLIC_PATHS = [
  "/healthz",
  // Carriers sign every request; the adapter verifies the signature instead of a session.
  "/webhooks/*",
  // Guarded by the SETUP_TOKEN secret and refused once a practice exists.
  "/api/setup",
  "/api/auth/login",
  // Plays a patient's phone; answers 404 unless SIMULATOR_ENABLED is "true".
  "/api/simulator/*",
  "/api/openapi.json",
  // Outbound MMS: the carrier fetches each photo from an HMAC-signed link that names one sent file and
  // expires after an hour (routes/media.ts); the link itself is the credential.
  "/media/c/*",
] as const;

export function isPublicPath(path: string) {
  return PUBLIC_PATHS.some((allowed) =>
    allowed.endsWith("/*") ? path.startsWith(allowed.slice(0, -1)) : path === allowed,
  );
}

/** Seeding runs once per isolate in local development; the promise makes concurrent first requests wait. */
let demoSeeded: Promise<unknown> | undefined;

const app = new Hono<PublicEnv>();

const withSecureHeaders = secureHeaders({ referrerPolicy: "same-origin" });
// A 101 response handed back by the Durable Object has immutable headers, and headers mean nothing to it.
app.use((c, next) =>
  c.req.header("upgrade")?.toLowerCase() === "websocket" ? next() : withSecureHeaders(c, next),
);
app.use("/api/*", noStore);
app.use(async (c, next) => {
  c.set("db", createDb(c.env.DB));
  if (c.env.DEMO_SEED === "true") {
    demoSeeded ??= seedDemo(c.get("db"), c.env.CREDENTIALS_KEY, Date.now(), { living: true }).catch(
      (error: unknown) => {
        demoSeeded = undefined;
        throw error;
      },
    );
    await demoSeeded;
  }
  await next();
});
app.use("/api/*", csrfProtection);

const publicRoutes = new Hono<PublicEnv>()
  .get("/healthz", (c) => c.json({ ok: true }, 200))
  .route("/webhooks", carrierWebhookRoutes)
  .route("/api/simulator", simulatorRoutes)
  .route("/api/setup", setupRoutes)
  .route("/api/auth", signInRoutes)
  .route("/media", mediaCapabilityRoutes)
  .get(
    "/api/openapi.json",
    // Generated on first request from every route registered by then, the protected ones included.
    openAPIRouteHandler(app, {
      documentation: {
        info: {
          title: "Textdesk API",
          version: "0.1.0",
          description:
            "Two-way texting inbox for clinics. Browser sessions use the __Host-td_session cookie; every error is { error: { code, message } }.",
        },
        components: {
          securitySchemes: {
            session: { type: "apiKey", in: "cookie", name: "__Host-td_session" },
            // /api/v1: the practice-management system, with a key an admin created (Settings, API keys).
            apiKey: { type: "http", scheme: "bearer", bearerFormat: "tdk_…" },
          },
        },
        security: [{ session: [] }],
      },
    }),
  );
for (const route of publicRoutes.routes) {
  // A public route off the list is a mistake to catch before the first request, not in production.
  if (route.method !== "ALL" && !isPublicPath(route.path)) {
    throw new Error(`${route.method} ${route.path} is public but not on PUBLIC_PATHS`);
  }
}

/** The practice-management system: API keys only, never the session cookie. */
const practiceApiRoutes = new Hono<PracticeApiEnv>()
  .use(requireApiKey())
  .route("/patients", apiV1PatientRoutes)
  .route("/messages", apiV1MessageRoutes)
  // An unknown /api/v1 path is the key holder's typo: say so, rather than fall through to the staff guard.
  .all("/*", (c) => c.json<ErrorBody>({ error: { code: "not_found", message: "No such route." } }, 404));

const adminRoutes = new Hono<StaffEnv>()
  .use(requireSession, requireAdmin)
  .route("/users", adminUserRoutes)
  .route("/numbers", adminNumberRoutes)
  .route("/numbers", adminNumberSettingsRoutes)
  .route("/api-keys", adminApiKeyRoutes)
  .route("/quick-replies", adminQuickReplyRoutes)
  .route("/", adminSettingsRoutes);

/** Everything else under /api: a signed-in staff member. New staff routes go here. */
const staffRoutes = new Hono<StaffEnv>()
  .use(requireSession)
  .route("/auth", accountRoutes)
  .route("/bootstrap", bootstrapRoutes)
  .route("/numbers", numberRoutes)
  .route("/patients", patientRoutes)
  .route("/exports", exportRoutes)
  .route("/live", liveRoutes)
  .route("/queue", queueRoutes)
  .route("/conversations", conversationRoutes)
  .route("/conversations", optOutReviewRoutes)
  .route("/conversations", conversationStateRoutes)
  .route("/conversations", noteRoutes)
  .route("/conversations", appointmentReplyRoutes)
  .route("/quick-replies", quickReplyRoutes)
  .route("/push", pushRoutes)
  .route("/conversations", scheduledRoutes)
  .route("/", messageRoutes)
  .route("/", mediaRoutes);

// Order matters: Hono runs handlers in registration order, and the first to answer ends the chain, so the
// public and API-key routes answer before the staff guard (mounted on all of /api) is reached.
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- kept for its type: AppType below is the RPC contract
const routes = app
  .route("/", publicRoutes)
  .route("/api/v1", practiceApiRoutes)
  .route("/api/admin", adminRoutes)
  .route("/api", staffRoutes);

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
