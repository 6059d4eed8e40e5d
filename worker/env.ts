/**
 * @module The Worker's bindings and the Hono context of each part of the app.
 *
 * `Env` is generated from wrangler.toml by `npm run types` (worker/worker-configuration.d.ts, checked in and
 * verified by `npm run check`), so a binding added to wrangler.toml cannot be forgotten here. Secrets
 * (CREDENTIALS_KEY, SETUP_TOKEN) come from .dev.vars.example's names; production sets them with
 * `wrangler secret put`.
 *
 * Each context type says what its guard guarantees: `c.get("session")` only compiles on routes mounted
 * behind `requireSession` (StaffEnv), `c.get("apiKey")` only behind `requireApiKey` (PracticeApiEnv).
 * This file is a leaf: it imports types only, and none of them import the app.
 */
import type { Db } from "./db/client";
import type { ApiPrincipal, Session } from "./lib/principals";

export type Env = TextdeskBindings;

/** Every request: the bindings and the request's drizzle instance. Public routes see only this. */
export interface PublicEnv {
  Bindings: Env;
  Variables: { db: Db };
}

/** Behind requireSession (and requireAdmin for /api/admin): the signed-in staff member. */
export interface StaffEnv {
  Bindings: Env;
  Variables: { db: Db; session: Session };
}

/** Behind requireApiKey (/api/v1): the key and its practice. */
export interface PracticeApiEnv {
  Bindings: Env;
  Variables: { db: Db; apiKey: ApiPrincipal };
}
