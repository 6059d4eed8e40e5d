import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");

// Browser flows in Chromium against a real dev server that global-setup starts on a fresh database.
export default defineConfig({
  root,
  test: {
    name: "e2e",
    environment: "node",
    include: ["e2e/**/*.test.ts"],
    globalSetup: ["e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One browser at a time: the machine has two cores and the dev server needs one.
    fileParallelism: false,
    // Random test order (the seed is printed), so a test that leans on the one before it fails here.
    sequence: { shuffle: { files: false, tests: true } },
  },
});
