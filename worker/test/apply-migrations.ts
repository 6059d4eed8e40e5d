import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { installD1Limits } from "./d1-limits";

// Setup files run outside per-file storage isolation, and applying is idempotent.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
// Every later statement, the app's included, must also pass on production D1.
installD1Limits(env.DB);
