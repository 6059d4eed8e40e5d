import { cloudflare } from "@cloudflare/vite-plugin";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// One dev server for both halves: the SolidJS app with HMR and the Worker (with D1, R2 and the
// Durable Object) inside workerd. TEXTDESK_STATE lets e2e tests run against a throw-away database.
// Names this build (or this dev-server start) for the service worker: a new id installs a new worker, which
// drops the previous build's cache (web/lib/service-worker.ts, public/sw.js).
const buildId = process.env.TEXTDESK_BUILD_ID ?? Date.now().toString(36);

export default defineConfig({
  plugins: [
    solid(),
    cloudflare({
      configPath: "./wrangler.toml",
      persistState: process.env.TEXTDESK_STATE ? { path: process.env.TEXTDESK_STATE } : true,
    }),
  ],
  server: { port: Number(process.env.PORT ?? 5173), strictPort: true },
  build: { target: "es2022" },
  define: { "import.meta.env.VITE_TEXTDESK_BUILD": JSON.stringify(buildId) },
});
