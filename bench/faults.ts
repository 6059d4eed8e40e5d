/**
 * Runs the load and fault tests (worker/**\/load-*.test.ts, worker/**\/fault-*.test.ts, in workerd with real
 * D1, R2 and Durable Objects) and prints their summary: load held, faults injected, bad inputs tried,
 * messages lost, stray rows. Each test prints its own line, counted from what it observed, before it asserts.
 *
 *   node bench/faults.ts
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { isMain } from "./lib/main.ts";
import { ROOT } from "./lib/server.ts";

type FaultLine = {
  check: string;
  load: number;
  faults: number;
  badInputs: number;
  expected: number;
  lost: number;
  /** Rows that appeared where none should; only some checks count them. */
  strayRows?: number;
};

export function runFaults() {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, "node_modules/.bin/vitest"), "run", "--project", "worker", "/load-", "/fault-"],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 },
  );
  const output = `${run.stdout}\n${run.stderr}`;
  const lines = [...output.matchAll(/FAULT-SUMMARY (\{.*\})/g)].map(
    (m) => JSON.parse(m[1] ?? "{}") as FaultLine,
  );
  const tests = /Tests\s+(.*)/.exec(output)?.[1]?.trim() ?? "no summary";
  console.log(
    `\n## Load and fault tests (vitest, worker project: ${tests}; ${Math.round((performance.now() - started) / 1000)} s)`,
  );
  console.log(
    "| check | load held | faults injected | bad inputs tried | messages expected | messages lost | stray rows |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const l of lines) {
    console.log(
      `| ${l.check} | ${l.load} | ${l.faults} | ${l.badInputs} | ${l.expected} | ${l.lost} | ${l.strayRows ?? "-"} |`,
    );
  }
  const sum = (k: keyof Omit<FaultLine, "check">) => lines.reduce((n, l) => n + (l[k] ?? 0), 0);
  console.log(
    `| **total** | ${sum("load")} | ${sum("faults")} | ${sum("badInputs")} | ${sum("expected")} | **${sum("lost")}** | **${sum("strayRows")}** |`,
  );
  // The tests print their lines before asserting, so a failing run still shows what it lost here.
  const passed = run.status === 0 && lines.length > 0 && sum("lost") === 0 && sum("strayRows") === 0;
  console.log(
    `faults: ${passed ? "PASS" : "FAIL"} (vitest exit ${run.status}, ${lines.length} checks, ${sum("lost")} messages lost, ${sum("strayRows")} stray rows)`,
  );
  if (!passed)
    console.log(
      output
        .split("\n")
        .filter((l) => /FAIL|Error|×/.test(l))
        .slice(0, 30)
        .join("\n"),
    );
  return { passed, lines };
}

if (isMain(import.meta.url)) {
  if (!runFaults().passed) process.exitCode = 1;
}
