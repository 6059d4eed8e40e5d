import type { Db } from "./db/client";
import type { ClinicNumberHub } from "./realtime/clinic-number-hub";
import type { Session } from "./middleware/session";
import type { ApiPrincipal } from "./middleware/api-key";

/** Bindings and variables from wrangler.toml, .dev.vars and `wrangler secret put`. */
export interface Env {
  DB: D1Database;
  /** Export files and the message archive. */
  HISTORY: R2Bucket;
  CLINIC_NUMBER_HUB: DurableObjectNamespace<ClinicNumberHub>;
  /** The public origin carriers call, e.g. https://texts.example-clinic.com. Twilio signs this exact URL. */
  PUBLIC_BASE_URL: string;
  SIMULATOR_ENABLED: string;
  /** Twilio's REST origin, https://api.twilio.com; tests and benchmarks point it at a fake carrier. */
  TWILIO_API_BASE: string;
  /** Telnyx's REST origin, https://api.telnyx.com; tests and benchmarks point it at a fake carrier. */
  TELNYX_API_BASE: string;
  /** "true" only in local development: seeds the demo practice on first request. */
  DEMO_SEED: string;
  /** Base64 of 32 random bytes: the AES-GCM key for carrier credentials at rest. */
  CREDENTIALS_KEY: string;
  /** Guards the one-time POST /api/setup that creates the first practice and admin. */
  SETUP_TOKEN?: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    db: Db;
    session: Session;
    /** Set by requireApiKey on /api/v1/*: the key and its practice. */
    apiKey: ApiPrincipal;
  };
}
