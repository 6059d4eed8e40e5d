import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");

export default defineConfig(async () => ({
  root,
  plugins: [
    cloudflareTest({
      wrangler: { configPath: path.join(root, "wrangler.toml") },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(path.join(root, "migrations")),
          CREDENTIALS_KEY: "dGVzdC1vbmx5LWNyZWRlbnRpYWxzLWtleS0zMi1ieXQ=",
          SETUP_TOKEN: "test-setup-token",
          PUBLIC_BASE_URL: "https://textdesk.test",
          SIMULATOR_ENABLED: "true",
          // Never the real carriers from tests: send tests stub fetch and assert on these origins.
          TWILIO_API_BASE: "https://twilio.fake",
          TELNYX_API_BASE: "https://telnyx.fake",
          DEMO_SEED: "false",
        },
      },
    }),
  ],
  test: {
    name: "worker",
    include: ["worker/**/*.test.ts"],
    setupFiles: ["worker/test/apply-migrations.ts"],
    // Timeouts here catch hangs, not slowness: a two-core CI box running several workerd isolates at once
    // can take well over vitest's default 5 s for a test that sends 60 sequential requests.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
}));
