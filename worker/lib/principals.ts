/**
 * @module Who is calling: the shapes the guards put on the request context. They live here, apart from the
 * middleware that builds them, so `env.ts` can name them without importing the app (no import cycle).
 */
import type { Organization, User } from "../db/schema";

/** A signed-in staff member (cookie session). */
export type Session = { tokenHash: string; user: User; org: Organization };

/** The practice system calling /api/v1 with an API key an admin created. */
export type ApiPrincipal = { keyId: number; org: Organization };
