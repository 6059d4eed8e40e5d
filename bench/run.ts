/**
 * `npm run bench`: every benchmark, one after another, each on its own fresh local server, each figure on
 * one line with its ratio to a baseline measured in the same run; then the load and fault tests' summary.
 *
 *   npm run bench                      all of them
 *   npm run bench -- ingest live       only these (ingest, mms, live, presence, scheduled, queue, history, weight,
 *                                      scale, faults)
 *
 * Load goes only to 127.0.0.1, every run is bounded, and every server started is stopped.
 *
 * "Against the targets" prints one line per target, each `PASS` or `MISS` with the target and the figure. A
 * bench that throws misses each of its targets with the reason, and the benches not asked for are named on a
 * last line, so a short or broken run never looks like a clean one.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import path from "node:path";
import { fmt } from "./lib/http.ts";
import { runFaults } from "./faults.ts";
import { runIngest } from "./ingest.ts";
import { runLive } from "./live.ts";
import { runMms } from "./mms.ts";
import { runPresence } from "./presence.ts";
import { runQueue } from "./queue.ts";
import { ROOT } from "./lib/server.ts";
import { runScale } from "./scale.ts";
import { runScheduled, scheduledOnTime } from "./scheduled.ts";
import { runWeight } from "./weight.ts";

const ALL = [
  "ingest",
  "mms",
  "live",
  "presence",
  "scheduled",
  "queue",
  "history",
  "weight",
  "scale",
  "faults",
] as const;
type Name = (typeof ALL)[number];
const asked = process.argv.slice(2).filter((a): a is Name => (ALL as readonly string[]).includes(a));
const chosen: readonly Name[] = asked.length > 0 ? asked : ALL;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
/** A tool's version from its package.json (its bin may refuse to run on this Node: see lib/server.ts). */
const version = (pkg: string) =>
  (
    JSON.parse(readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

console.log("# Textdesk benchmarks");
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} free); load average ${load()} at start`,
);
console.log(
  `runtime: wrangler dev ${version("wrangler")} (workerd), lean local config (X_LOCAL_OBSERVABILITY=false, --log-level warn), Node ${process.version}; ${new Date().toISOString()}`,
);

/** One target of one bench: what it promises, and how a result is judged against it. */
type Check<R> = { target: string; judge: (r: R) => { ok: boolean; figure: string } };
const check = <R>(target: string, judge: Check<R>["judge"]): Check<R> => ({ target, judge });

const verdicts: string[] = [];
const record = (status: "PASS" | "MISS", target: string, figure: string) =>
  verdicts.push(`${status}  ${target}: ${figure}`);

/** Runs one bench and judges each of its targets; a bench that throws misses all of them, with the reason. */
async function bench<R>(run: () => Promise<R> | R, checks: Check<R>[]) {
  let result: { ok: true; value: R } | { ok: false; why: string };
  try {
    result = { ok: true, value: await run() };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    console.log(`bench failed: ${why}`);
    result = { ok: false, why };
  }
  for (const c of checks) {
    if (!result.ok) {
      record("MISS", c.target, `bench failed (${result.why.slice(0, 120)})`);
      continue;
    }
    const { ok, figure } = c.judge(result.value);
    record(ok ? "PASS" : "MISS", c.target, figure);
  }
}

const x = (n: number) => `${fmt(n, 2)} ×`;
const ms = (n: number) => `${fmt(n)} ms`;
const atLoad = () => `(load ${load()})`;

/** The history bench runs as its own process (its own Worker); its two ratios are read from what it prints. */
function runHistory() {
  console.log("\n## History (bench/history.ts)");
  const run = spawnSync(process.execPath, [...process.execArgv, path.join(ROOT, "bench/history.ts")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  process.stdout.write(run.stdout);
  if (run.status !== 0) throw new Error(`bench/history.ts exited ${run.status}`);
  const ratio = (label: string) => {
    const found = new RegExp(`^${label} \\(rows/s\\): ([\\d.]+)`, "m").exec(run.stdout)?.[1];
    if (found === undefined) throw new Error(`bench/history.ts printed no "${label}" ratio`);
    return Number(found);
  };
  return { prune: ratio("archive-and-prune / plain read"), exportCsv: ratio("export / plain read") };
}

const LIVE_P99_MS = 25;
const PRESENCE_P99_MS = 50;
const KIB = 1024;

const benches: Record<Name, () => Promise<void>> = {
  ingest: () =>
    bench(runIngest, [
      check("ingest full pipeline ≥ 0.8 × minimal route (req/s, drained of waitUntil work)", (r) => {
        const ratio = r.full.drainedRps / r.minimal.drainedRps;
        return {
          ok: ratio >= 0.8,
          figure: `${x(ratio)} (${fmt(r.full.drainedRps, 0)} vs ${fmt(r.minimal.drainedRps, 0)} req/s; the store batch alone ${x(r.store.drainedRps / r.minimal.drainedRps)}) ${atLoad()}`,
        };
      }),
      check("ingest 0 non-2xx answers under load", (r) => ({
        ok: r.full.non2xx === 0,
        figure: `${r.full.non2xx} non-2xx`,
      })),
    ]),
  mms: () =>
    bench(runMms, [
      check("mms webhook answer with one 500 KB photo ≤ 1.1 × text-only (median, same run)", (r) => ({
        ok: r.ratio <= 1.1 && r.non2xx === 0,
        figure: `${x(r.ratio)} (${ms(r.mmsMs)} vs ${ms(r.textMs)}, ${r.non2xx} non-2xx); photo servable after ${ms(r.thumbnailMs)}`,
      })),
    ]),
  live: () =>
    bench(runLive, [
      check(`live inbound-to-screen p99 ≤ ${LIVE_P99_MS} ms at 100 sockets, median of 3 runs`, (r) => {
        const hundred = r.results.find((y) => y.n === 100);
        const p99 = hundred?.p99 ?? NaN;
        const runs = hundred?.runs.map((y) => fmt(y.receipts.p99)).join(" / ") ?? "none";
        return {
          ok: p99 <= LIVE_P99_MS && (hundred?.runs.length ?? 0) >= 3,
          figure: `${ms(p99)} (runs ${runs}) ${atLoad()}`,
        };
      }),
      check("live 0 texts lost (1, 10, 100 sockets; 100 numbers × 10 sockets)", (r) => {
        const lost = r.results.reduce((n, y) => n + y.lost, 0) + r.manyNumbers.lost;
        return {
          ok: lost === 0,
          figure: `${lost} lost; ${r.manyNumbers.numbers} numbers × ${r.manyNumbers.perNumber} sockets p99 ${ms(r.manyNumbers.p99)}`,
        };
      }),
    ]),
  presence: () =>
    bench(runPresence, [
      check(
        `presence typing → presence frame p99 ≤ ${PRESENCE_P99_MS} ms at 100 sockets, median of 3 runs`,
        (r) => ({
          ok: r.problem === null && r.p99 <= PRESENCE_P99_MS && r.runs.length >= 3,
          figure:
            r.problem ??
            `${ms(r.p99)} (runs ${r.runs.map((y) => fmt(y.typing.p99)).join(" / ")}; inbound-to-screen p99 ${ms(r.inbound99)}) ${atLoad()}`,
        }),
      ),
      check("presence every receiver sees every typing frame", (r) => ({
        ok: r.problem === null && r.lost === 0,
        figure: r.problem ?? `not seen ${r.lost}`,
      })),
    ]),
  scheduled: () =>
    bench(runScheduled, [
      check("scheduled worst lateness beyond the pace (position/10 s) ≤ 2 s, every text sent", (r) => ({
        ok: scheduledOnTime(r),
        figure: `${ms(r.worstOverPace)}, sent ${r.sent}/${r.count}`,
      })),
      check("scheduled 0 texts early", (r) => ({ ok: r.early === 0, figure: `${r.early} early` })),
      check("scheduled 0 texts sent twice", (r) => ({ ok: r.twice === 0, figure: `${r.twice} twice` })),
    ]),
  queue: () =>
    bench(runQueue, [
      check("queue 0 reads whose plan scans a table", (r) => ({
        ok: r.scans === 0,
        figure: `${r.scans} scans`,
      })),
    ]),
  history: () =>
    bench(runHistory, [
      check("history archive-and-prune ≥ 0.5 × plain D1 read (rows/s)", (r) => ({
        ok: r.prune >= 0.5,
        figure: x(r.prune),
      })),
      check("history CSV export ≥ 0.5 × plain D1 read (rows/s)", (r) => ({
        ok: r.exportCsv >= 0.5,
        figure: x(r.exportCsv),
      })),
    ]),
  weight: () =>
    bench(runWeight, [
      check("weight first rendered queue row ≤ 3 × empty navigation (cold, signed in)", (r) => ({
        ok: r.queueMs / r.emptyMs <= 3,
        figure: `${x(r.queueMs / r.emptyMs)} (${ms(r.queueMs)} vs ${ms(r.emptyMs)})`,
      })),
      check("weight first screen JS < 40 KiB gzip (every chunk the first queue screen loads)", (r) => ({
        ok: r.firstScreen.gzip < 40 * KIB,
        figure: `${fmt(r.firstScreen.gzip / KIB)} KiB in ${r.firstScreen.files} files (entry JS ${fmt(r.sizes.js.gzip / KIB)} KiB)`,
      })),
      check("weight first screen fetches nothing twice", (r) => ({
        ok: r.repeated.length === 0,
        figure: r.repeated.length === 0 ? "none" : r.repeated.join(", "),
      })),
    ]),
  scale: () => bench(runScale, []),
  faults: () =>
    bench(runFaults, [
      check("faults 0 messages lost, 0 stray rows (load and fault tests)", (r) => {
        const lost = r.lines.reduce((n, l) => n + l.lost, 0);
        return {
          ok: r.passed,
          figure: `${lost} lost in ${r.lines.length} checks${r.passed ? "" : " (or the tests failed)"}`,
        };
      }),
    ]),
};

for (const name of chosen) {
  const started = performance.now();
  await benches[name]();
  console.log(`(${name}: ${Math.round((performance.now() - started) / 1000)} s, load average now ${load()})`);
}

console.log("\n## Against the targets");
for (const v of verdicts) console.log(v);
const skipped = ALL.filter((n) => !chosen.includes(n) && n !== "scale");
if (skipped.length > 0) console.log(`-     not run this time, so not judged: ${skipped.join(", ")}`);
console.log(`load average at the end ${load()}`);
