/**
 * `npm run bench`: every benchmark, one after another, each on its own fresh local server, each figure on
 * one line with its ratio to a baseline measured in the same run; then the load and fault tests' summary.
 *
 *   npm run bench                      all of them
 *   npm run bench -- ingest live       only these (ingest, live, presence, scheduled, queue, history, weight,
 *                                      scale, faults)
 *
 * Load goes only to 127.0.0.1, every run is bounded, and every server started is stopped.
 */
import { spawnSync } from "node:child_process";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import path from "node:path";
import { runFaults } from "./faults.ts";
import { runIngest } from "./ingest.ts";
import { runLive } from "./live.ts";
import { runPresence } from "./presence.ts";
import { runQueue } from "./queue.ts";
import { ROOT } from "./lib/server.ts";
import { runScale } from "./scale.ts";
import { runScheduled, scheduledOnTime } from "./scheduled.ts";
import { runWeight, weightVerdicts } from "./weight.ts";

const ALL = [
  "ingest",
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
const version = (bin: string) =>
  spawnSync(process.execPath, [path.join(ROOT, "node_modules/.bin", bin), "--version"], { encoding: "utf8" })
    .stdout.trim()
    .split("\n")
    .at(-1);

console.log("# Textdesk benchmarks");
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} free); load average ${load()} at start`,
);
console.log(
  `runtime: wrangler dev ${version("wrangler")} (workerd), lean local config (X_LOCAL_OBSERVABILITY=false, --log-level warn), Node ${process.version}; ${new Date().toISOString()}`,
);

const verdicts: string[] = [];
const verdict = (ok: boolean, text: string) => verdicts.push(`${ok ? "PASS" : "MISS"}  ${text}`);

for (const name of chosen) {
  const started = performance.now();
  if (name === "ingest") {
    const r = await runIngest();
    verdict(
      r.full.rps / r.minimal.rps >= 0.8,
      `ingest full pipeline ≥ 0.8 × minimal route: ${(r.full.rps / r.minimal.rps).toFixed(2)}`,
    );
    verdict(r.full.non2xx === 0, `ingest no non-2xx under load: ${r.full.non2xx}`);
  } else if (name === "live") {
    const r = await runLive();
    const hundred = r.results.find((x) => x.n === 100);
    verdict(
      (hundred?.p99 ?? Infinity) < 50,
      `live p99 < 50 ms with 100 sockets: ${hundred?.p99.toFixed(1)} ms (load ${load()})`,
    );
    verdict(
      r.results.every((x) => x.lost === 0),
      "live no event lost",
    );
  } else if (name === "presence") {
    const r = await runPresence();
    if (r.skipped) verdicts.push(`SKIP  presence p99 ≤ 50 ms at 100 sockets: ${r.reason}`);
    else
      verdict(
        r.p99 <= 50 && r.lost === 0,
        `presence p99 ≤ 50 ms at 100 sockets: ${r.p99.toFixed(1)} ms (inbound-to-screen p99 ${r.inbound99.toFixed(1)} ms), not seen ${r.lost} (load ${load()})`,
      );
  } else if (name === "scheduled") {
    const r = await runScheduled();
    verdict(
      scheduledOnTime(r),
      `scheduled ${r.count} due at once: each within position/10 s + 2 s: worst ${r.worstOverPace.toFixed(0)} ms beyond the pace, sent ${r.sent}`,
    );
    verdict(r.early === 0, `scheduled no text early: ${r.early}`);
    verdict(r.twice === 0, `scheduled no text sent twice: ${r.twice}`);
  } else if (name === "queue") {
    const r = await runQueue();
    verdict(r.scans === 0, `queue no read scans a table: ${r.scans}`);
  } else if (name === "history") {
    console.log("\n## History (bench/history.ts)");
    const run = spawnSync(process.execPath, [path.join(ROOT, "bench/history.ts")], { stdio: "inherit" });
    verdict(run.status === 0, "history bench ran");
  } else if (name === "weight") {
    for (const v of weightVerdicts(await runWeight())) verdict(v.ok, v.text);
  } else if (name === "scale") {
    await runScale();
  } else {
    verdict(runFaults().passed, "load and fault tests, 0 messages lost");
  }
  console.log(`(${name}: ${Math.round((performance.now() - started) / 1000)} s, load average now ${load()})`);
}

console.log("\n## Against the targets");
for (const v of verdicts) console.log(v);
