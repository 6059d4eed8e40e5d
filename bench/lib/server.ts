/**
 * Starts the bench Worker (bench/wrangler.bench.toml → worker/bench/app-entry.ts) with `wrangler dev` on
 * 127.0.0.1, in the lean local config from shared/notes/local-perf.md (no local tracing store, warn-level
 * logs), against a fresh temporary --persist-to directory, and stops it (its whole process group) after.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const CONFIG = path.join(ROOT, "bench/wrangler.bench.toml");
const BIN = (tool: string) => path.join(ROOT, "node_modules/.bin", tool);

/**
 * The bench server's port (BENCH_PORT, default 8797) and the fake carrier's, the next one: the frozen config's
 * TWILIO_API_BASE and TELNYX_API_BASE are pointed at it. A second port pair lets a bench run beside another
 * on the same machine without either answering the other's requests.
 */
export const BENCH_PORT = Number(process.env.BENCH_PORT ?? 8797);
export const FAKE_CARRIER_PORT = BENCH_PORT + 1;
/** The origin the bench Worker signs against (PUBLIC_BASE_URL in the bench config). */
export const SIGNED_BASE = "https://textdesk.bench";

export type Server = { base: string; port: number; pid: number; stop: () => void };

/** The lean config: the local trace store costs ~1 KB and real CPU per request (local-perf.md §1). */
const LEAN_ENV = { ...process.env, CI: "true", X_LOCAL_OBSERVABILITY: "false" };

/** The app's static assets; the bench config serves dist/client, so build once if it is missing. */
export function ensureBuilt(force = false) {
  if (!force && existsSync(path.join(ROOT, "dist/client/index.html"))) return;
  const built = spawnSync(process.execPath, [BIN("vite"), "build", "--logLevel", "warn"], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (built.status !== 0) throw new Error("vite build failed");
}

async function waitUntilUp(child: ChildProcess, base: string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error("wrangler dev exited early");
    try {
      // /healthz goes through the app, whose first request seeds the demo practice (slow KDF).
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(30_000) })).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("wrangler dev did not come up within 90 s");
}

/**
 * Bundles the bench Worker once into the state directory and writes a config that runs that bundle as is.
 * `wrangler dev` on the source would rebuild and restart the Worker whenever anyone saves a file under
 * worker/ (other work goes on in this repository), which drops module state and stalls requests mid-run.
 */
function frozenConfig(state: string) {
  const out = path.join(state, "bundle");
  const bundled = spawnSync(
    process.execPath,
    [BIN("wrangler"), "deploy", "--dry-run", "--outdir", out, "--config", CONFIG],
    { cwd: ROOT, stdio: "ignore", env: LEAN_ENV },
  );
  const main = readdirSync(out).find((f) => f.endsWith(".js"));
  if (bundled.status !== 0 || !main) throw new Error("bundling the bench Worker failed");
  const config = readFileSync(CONFIG, "utf8")
    .replace(/^main = .*$/m, `main = "${path.join(out, main)}"\nno_bundle = true`)
    .replaceAll('"../', `"${ROOT}/`)
    .replaceAll("http://127.0.0.1:8798", `http://127.0.0.1:${FAKE_CARRIER_PORT}`);
  const file = path.join(state, "wrangler.toml");
  writeFileSync(file, config);
  return file;
}

/** Refuses a port something already answers on: a server left running would be measured instead of ours. */
async function assertPortFree(port: number) {
  const answered = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) }).then(
    () => true,
    () => false,
  );
  if (answered) {
    throw new Error(
      `port ${port} is in use (a server left running?); stop it or set BENCH_PORT to another port`,
    );
  }
}

export async function startServer(port = BENCH_PORT): Promise<Server> {
  await assertPortFree(port);
  ensureBuilt();
  const state = mkdtempSync(path.join(tmpdir(), "textdesk-bench-"));
  const args = ["--config", frozenConfig(state), "--persist-to", state];
  const migrated = spawnSync(
    process.execPath,
    [BIN("wrangler"), "d1", "migrations", "apply", "DB", "--local", ...args],
    {
      cwd: ROOT,
      stdio: "ignore",
      env: LEAN_ENV,
    },
  );
  if (migrated.status !== 0) throw new Error("migrations failed");
  const child = spawn(
    process.execPath,
    [
      BIN("wrangler"),
      "dev",
      ...args,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"], detached: true, env: LEAN_ENV },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error("wrangler dev did not start");
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      // The process group we started (wrangler, its workerd processes), by its id.
      process.kill(-pid, "SIGTERM");
    } catch {
      // Already gone.
    }
    rmSync(state, { recursive: true, force: true });
  };
  process.once("exit", stop);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(child, base);
  } catch (error) {
    stop();
    throw error;
  }
  return { base, port, pid, stop };
}
