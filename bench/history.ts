/**
 * History bench: archive-and-prune of 200,000 messages and a CSV export of 100,000, each next to a plain D1
 * read of the same rows in the same `wrangler dev` process, with the workerd process's peak RSS growth.
 *
 *   node bench/history.ts [messages=200000]
 *
 * Runs the bench-only Worker (worker/bench/history-entry.ts via bench/wrangler.history.toml) on 127.0.0.1
 * against a fresh temporary state directory, then stops it. Not part of `npm test`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const MESSAGES = Number(process.argv[2] ?? "200000");
const PORT = 8799;
const BASE = `http://127.0.0.1:${PORT}`;
const CONFIG = path.join(import.meta.dirname, "wrangler.history.toml");
const WRANGLER = path.resolve(import.meta.dirname, "../node_modules/.bin/wrangler");
const state = mkdtempSync(path.join(tmpdir(), "textdesk-history-bench-"));

function wrangler(args: string[]) {
  return [process.execPath, [WRANGLER, ...args, "--config", CONFIG, "--persist-to", state]] as const;
}

/** Every descendant of `pid`, read from /proc (Linux only). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Summed over every workerd process wrangler started (it may run more than one). */
function rssKiB(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return total;
}

function findWorkerd(root: number): number[] {
  const pids = descendants(root).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8").includes("workerd");
    } catch {
      return false;
    }
  });
  if (pids.length === 0) throw new Error("workerd process not found");
  return pids;
}

type Timed = { ms: number; peakMiB: number; rssMiB: number; body: Record<string, unknown> };

/** POSTs to a bench route while sampling workerd's RSS every 20 ms; reports the growth over the start. */
async function measure(workerd: number[], route: string): Promise<Timed> {
  const before = rssKiB(workerd);
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssKiB(workerd));
  }, 20);
  const t0 = performance.now();
  try {
    const res = await fetch(`${BASE}${route}`, { method: "POST", signal: AbortSignal.timeout(900_000) });
    if (!res.ok) throw new Error(`${route}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    const body = (await res.json()) as Record<string, unknown>;
    peak = Math.max(peak, rssKiB(workerd));
    return { ms: performance.now() - t0, peakMiB: (peak - before) / 1024, rssMiB: peak / 1024, body };
  } finally {
    clearInterval(sampler);
  }
}

async function waitUntilUp(child: ChildProcess) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error("wrangler dev exited");
    try {
      if ((await fetch(`${BASE}/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("wrangler dev did not start within 60 s");
}

const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));

async function main() {
  const [node, migrate] = wrangler(["d1", "migrations", "apply", "DB", "--local"]);
  const applied = spawnSync(node, migrate, { stdio: "ignore", env: { ...process.env, CI: "true" } });
  if (applied.status !== 0) throw new Error("migrations failed");
  const [, dev] = wrangler([
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(PORT),
    "--show-interactive-dev-session=false",
  ]);
  const child = spawn(node, dev, { stdio: "ignore", detached: true, env: { ...process.env, CI: "true" } });
  try {
    await waitUntilUp(child);
    const workerd = findWorkerd(child.pid ?? 0);
    const seed = await measure(workerd, `/seed?n=${MESSAGES}`);
    console.log(`seeded ${MESSAGES} old + ${MESSAGES / 2} recent messages in ${Math.round(seed.ms)} ms`);
    // Warm up both paths once on a tiny read so the first measured run does not pay for compilation.
    await measure(workerd, "/read-conversation");

    const readOld = await measure(workerd, "/read-old");
    const prune = await measure(workerd, "/prune");
    const readConv = await measure(workerd, "/read-conversation");
    const exported = await measure(workerd, "/export");

    const pruned = Number(prune.body.deleted);
    const oldRows = Number(readOld.body.rows);
    const exportRows = Number(exported.body.rows);
    const convRows = Number(readConv.body.rows);
    const lines = [
      ["plain D1 read of the old rows", oldRows, readOld],
      ["archive-and-prune (R2 write, read-back, delete)", pruned, prune],
      ["plain D1 read of the conversation", convRows, readConv],
      ["CSV export to R2 (multipart)", exportRows, exported],
    ] as const;
    console.log(
      `workerd pids ${workerd.join(", ")} (RSS summed); growth is over the RSS just before each step, after seeding and a warm-up.`,
    );
    console.log(
      "\n| step | rows | ms | rows/s | RSS growth (MiB) | peak RSS (MiB) |\n| --- | --- | --- | --- | --- | --- |",
    );
    for (const [label, rows, t] of lines) {
      console.log(
        `| ${label} | ${rows} | ${Math.round(t.ms)} | ${rate(rows, t.ms)} | ${t.peakMiB.toFixed(1)} | ${t.rssMiB.toFixed(0)} |`,
      );
    }
    console.log(
      `\narchive-and-prune / plain read (rows/s): ${(rate(pruned, prune.ms) / rate(oldRows, readOld.ms)).toFixed(2)}`,
    );
    console.log(
      `export / plain read (rows/s): ${(rate(exportRows, exported.ms) / rate(convRows, readConv.ms)).toFixed(2)}`,
    );
    console.log(`prune report: ${JSON.stringify(prune.body)}`);
    console.log(`export: ${JSON.stringify(exported.body)}`);
  } finally {
    // The whole process group we started (wrangler and its workerd), by its id.
    if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
    rmSync(state, { recursive: true, force: true });
  }
}

await main();
