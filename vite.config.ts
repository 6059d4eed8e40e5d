import { cloudflare } from "@cloudflare/vite-plugin";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// One dev server for both halves: the SolidJS app with HMR and the Worker (with D1, R2 and the
// Durable Object) inside workerd. TEXTDESK_STATE lets e2e tests run against a throw-away database.
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
});
