import { defineConfig } from "drizzle-kit";

// `generate` only: migrations are applied by `wrangler d1 migrations apply`, never by drizzle-kit,
// so wrangler's d1_migrations table stays the single record of what ran.
export default defineConfig({
  dialect: "sqlite",
  schema: [
    "./worker/db/schema/practice.ts",
    "./worker/db/schema/messaging.ts",
    "./worker/db/schema/history.ts",
    "./worker/db/schema/api.ts",
    "./worker/db/schema/push.ts",
    "./worker/db/schema/media.ts",
  ],
  out: "./migrations",
});
