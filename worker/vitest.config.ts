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
          // A fixed VAPID pair for tests only (never deployed): the push tests verify the JWT with the public key.
          VAPID_PUBLIC_KEY:
            "BDcstQb5o6eOgOKY8BFZMgU3x2qvx_Vl0uJ7bzZGjZdAaHtHqliNV2sPy1aSo8exct24QTcEY1qVEUHJ0yxG-Eo",
          VAPID_PRIVATE_KEY: "Zsvc8WC8sSQJjKMeXZi2Mmq_Cd0hqbHIjJelefNsyhw",
          VAPID_SUBJECT: "mailto:tests@textdesk.test",
          // The fake push service of the tests answers on http://127.0.0.1 (stubbed fetch, worker/test/push-service.ts).
          PUSH_ALLOW_LOOPBACK: "true",
          // Signs the outbound MMS capability URLs (worker/messaging/media.ts); tests only.
          MEDIA_URL_SECRET: "test-only-media-url-secret-0123456789",
          MEDIA_ALLOW_LOOPBACK: "true",
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
