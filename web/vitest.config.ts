import path from "node:path";
import solid from "vite-plugin-solid";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");

// Component tests: the real SolidJS views in jsdom, with fetch stubbed at the network boundary.
export default defineConfig({
  root,
  plugins: [solid()],
  test: {
    name: "web",
    environment: "jsdom",
    include: ["web/**/*.test.ts", "web/**/*.test.tsx"],
    setupFiles: ["web/test/setup.ts"],
  },
});
