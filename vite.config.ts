import { cloudflare } from "@cloudflare/vite-plugin";
import { defineConfig, type Plugin } from "vite";
import solid from "vite-plugin-solid";

// One dev server for both halves: the SolidJS app with HMR and the Worker (with D1, R2 and the
// Durable Object) inside workerd. TEXTDESK_STATE lets e2e tests run against a throw-away database.
// Names this build (or this dev-server start) for the service worker: a new id installs a new worker, which
// drops the previous build's cache (web/lib/service-worker.ts, public/sw.js).
const buildId = process.env.TEXTDESK_BUILD_ID ?? Date.now().toString(36);

/**
 * The queue is the first screen after signing in, but its page is a lazy route (web/routes.ts): without a
 * hint the browser learns of its chunks only after the entry has run. This names them in index.html as
 * `<link rel="modulepreload">`, so they download alongside the entry. Only the page's own static imports:
 * what it loads lazily (the open conversation, the Rolodex) and the other routes load when visited.
 */
function preloadFirstScreen(page: string): Plugin {
  return {
    name: "textdesk:preload-first-screen",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, { bundle, chunk: entry }) {
        if (!bundle) return [];
        const chunks = Object.values(bundle).flatMap((c) => (c.type === "chunk" ? [c] : []));
        const start = chunks.find((c) => c.isDynamicEntry && c.facadeModuleId?.endsWith(page));
        if (!start) throw new Error(`preloadFirstScreen: no lazy chunk for ${page}`);
        // Already in the HTML: the entry and what it imports statically.
        const listed = new Set([entry?.fileName, ...(entry?.imports ?? [])]);
        const wanted = new Set<string>();
        const visit = (fileName: string) => {
          if (listed.has(fileName) || wanted.has(fileName)) return;
          wanted.add(fileName);
          for (const next of chunks.find((c) => c.fileName === fileName)?.imports ?? []) visit(next);
        };
        visit(start.fileName);
        return [...wanted].map((fileName) => ({
          tag: "link",
          // Marked, so bench/weight.ts can tell the entry (what every screen loads) from the queue's part.
          attrs: { rel: "modulepreload", crossorigin: true, href: `/${fileName}`, "data-first-screen": true },
          injectTo: "head" as const,
        }));
      },
    },
  };
}

export default defineConfig({
  plugins: [
    solid(),
    preloadFirstScreen("web/pages/queue.tsx"),
    cloudflare({
      configPath: "./wrangler.toml",
      persistState: process.env.TEXTDESK_STATE ? { path: process.env.TEXTDESK_STATE } : true,
    }),
  ],
  server: { port: Number(process.env.PORT ?? 5173), strictPort: true },
  build: { target: "es2022" },
  define: { "import.meta.env.VITE_TEXTDESK_BUILD": JSON.stringify(buildId) },
});
