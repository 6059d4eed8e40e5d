/**
 * Starts the real app (vite dev with the Worker in workerd) on a free port over a throw-away database,
 * so every run begins from the freshly seeded demo practice. Tests read the address with inject("baseUrl").
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "node_modules", ".bin");
/**
 * The first start compiles the Worker, applies migrations and lets vite optimise dependencies: about 20 s on an
 * idle 2-core box, over 120 s when it is busy with other work. A hang-catcher, not a timing check.
 */
const START_TIMEOUT_MS = 240_000;

function freePort(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => {
      const any = createServer();
      any.listen(0, "localhost", () => {
        const address = any.address();
        any.close(() => resolve(typeof address === "object" && address ? address.port : preferred));
      });
    });
    probe.listen(preferred, "localhost", () => probe.close(() => resolve(preferred)));
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the dev server exited with ${child.exitCode} before it was ready:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the dev server did not answer ${url}/healthz within ${START_TIMEOUT_MS} ms:\n${output()}`);
}

export default async function setup(project: TestProject) {
  const port = await freePort(Number(process.env.E2E_PORT ?? 5199));
  const state = mkdtempSync(path.join(tmpdir(), "textdesk-e2e-"));
  // "localhost", not 127.0.0.1: Chromium accepts the Secure session cookie on localhost only.
  const baseUrl = `http://localhost:${port}`;
  let log = "";
  const child = spawn(path.join(bin, "node"), ["scripts/dev.ts"], {
    cwd: root,
    // Its own process group, so teardown stops vite, workerd and everything they started.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
      PORT: String(port),
      TEXTDESK_STATE: state,
    },
  });
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  const stop = () => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    rmSync(state, { recursive: true, force: true });
  };

  try {
    await waitForHealth(baseUrl, child, () => log);
  } catch (error) {
    stop();
    throw error;
  }
  project.provide("baseUrl", baseUrl);
  return stop;
}
