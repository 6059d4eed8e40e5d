import { defineConfig } from "vitest/config";

// Three projects, one command: Worker tests inside workerd, web component tests in jsdom,
// and browser flows in Chromium against a running dev server.
export default defineConfig({
  test: {
    projects: ["worker/vitest.config.ts", "web/vitest.config.ts", "e2e/vitest.config.ts"],
  },
});
