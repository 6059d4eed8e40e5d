/**
 * Webhook ingest: distinct, correctly signed Twilio inbound webhooks per second and p50/p99 at 32 concurrent
 * connections, next to an empty route, a minimal route (same form parse + one D1 insert) and the real store
 * batch alone (the transaction every stored text needs, without signature, follow-ups or fan-out) on the
 * same server in the same run. Rounds interleave the routes so drift in machine load hits all of them.
 * After each round the bench waits until the app's `waitUntil` work (the live fan-out and the rest of what a
 * stored text sets off after its answer) has settled, seen through the bench entry's /bench/pending counter,
 * so one round's tail never runs in the next round's time, and CPU is read only once it is done. req/s counts
 * a round as over when its last answer came; "drained" counts it as over when its waitUntil work settled.
 *
 *   node bench/ingest.ts            (BENCH_SECONDS per route per round, default 6; BENCH_ROUNDS, default 3)
 */
import { closedLoop, client, fmt, line, minSamples, type LoadResult, type Req } from "./lib/http.ts";
import { startFakeCarrier } from "./lib/fake-carrier.ts";
import { isMain, median, pollUntil } from "./lib/main.ts";
import { cpuMs, descendants } from "./lib/proc.ts";
import { startServer, type Server } from "./lib/server.ts";
import { inboundParams, signedPost } from "./lib/twilio.ts";

const CONCURRENCY = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PATH = "/webhooks/twilio/messages";

/** 1,000 patients' phones, as real traffic spreads over many conversations; each request a new MessageSid. */
const phone = (i: number) => `+1555${String(6_000_000 + (i % 1000)).padStart(7, "0")}`;
const webhook = (path: string) => (i: number) =>
  signedPost(path, inboundParams(phone(i), `Can I move my appointment to ${i % 28} May?`));

type Route = { name: string; make: (i: number) => Req };

async function json<T>(base: string, req: Req): Promise<T> {
  const c = client(base, 1);
  try {
    return JSON.parse((await c.send(req)).body) as T;
  } finally {
    c.close();
  }
}

type Pending = { started: number; settled: number; pending: number };

/**
 * Waits until every `waitUntil` the app started has settled, and says how long the work went on after the
 * last answer: 0 when the first look found it done, else the time until the look that found it done was
 * sent (an upper bound, by one poll interval). Bounded: 30 s is the platform's own limit on that work.
 */
async function drained(base: string) {
  const started = performance.now();
  let last: Pending = { started: 0, settled: 0, pending: -1 };
  let looks = 0;
  let doneSeenAt = started;
  const settled = await pollUntil(
    async () => {
      const sent = performance.now();
      last = await json<Pending>(base, { method: "GET", path: "/bench/pending" });
      if (last.pending === 0) doneSeenAt = looks === 0 ? started : sent;
      looks++;
      return last.pending === 0;
    },
    30_000,
    5,
  );
  if (!settled) throw new Error(`waitUntil work still running after 30 s: ${JSON.stringify(last)}`);
  return { ms: doneSeenAt - started, started: last.started };
}

/** Counts D1 round trips per webhook (in the request and in waitUntil) with the bench entry's recorder. */
async function profile(base: string) {
  await json(base, { method: "POST", path: "/bench/record?on=1" });
  const before = await drained(base);
  const c = client(base, 1);
  const n = 20;
  for (let i = 0; i < n; i++) await c.send(webhook(PATH)(900_000 + i));
  const inRequest = await json<{ last: { sql: string; via: string }[] }>(base, {
    method: "GET",
    path: "/bench/record",
  });
  // The live event's fan-out and the rest of the waitUntil work, seen to finish.
  const after = await drained(base);
  const totals = await json<{ requests: number; roundTrips: number; d1Ms: number }>(base, {
    method: "GET",
    path: "/bench/record",
  });
  await json(base, { method: "POST", path: "/bench/record?on=0" });
  c.close();
  return {
    perWebhook: totals.roundTrips / n,
    waitUntilPerWebhook: (after.started - before.started) / n,
    lastRequest: inRequest.last,
  };
}

export async function runIngest(server?: Server) {
  const own = server ?? (await startServer());
  const carrier = startFakeCarrier();
  try {
    const base = own.base;
    await json(base, { method: "POST", path: "/bench/setup" });
    const routes: Route[] = [
      { name: "empty route (POST, same body)", make: webhook("/bench/empty") },
      { name: "minimal: parse form + 1 D1 insert", make: webhook("/bench/minimal-insert") },
      { name: "full pipeline: verify, dedupe, store, publish", make: webhook(PATH) },
      // The contract's floor: the store batch alone (no signature, follow-ups or fan-out).
      {
        name: "store batch only: parse form + the real store transaction",
        make: webhook("/bench/store-only"),
      },
    ];
    let offset = 0;
    // Warm-up: compile paths, create conversations for the 1,000 phones.
    for (const r of routes) {
      await closedLoop(base, "warm", {
        concurrency: 8,
        durationMs: 3000,
        maxRequests: 1000,
        make: (i) => r.make(offset + i),
      });
      offset += 1000;
    }
    await drained(base);
    const results = new Map<string, (LoadResult & { tailMs: number; drainedRps: number })[]>(
      routes.map((r) => [r.name, []]),
    );
    // CPU per request in each server process: which one is the bottleneck, and what a route costs.
    const procs = descendants(own.pid).filter((p) => p.comm === "workerd" || p.comm.startsWith("node"));
    const cpu = new Map<string, { ms: Map<number, number>; requests: number }>(
      routes.map((r) => [r.name, { ms: new Map(), requests: 0 }]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      for (const r of routes) {
        const start = offset;
        const cpuBefore = cpuMs(procs.map((p) => p.pid));
        const res = await closedLoop(base, r.name, {
          concurrency: CONCURRENCY,
          durationMs: SECONDS * 1000,
          maxRequests: 200_000,
          make: (i) => r.make(start + i),
        });
        const tail = await drained(base);
        offset += res.requests + res.errors + CONCURRENCY;
        results
          .get(r.name)
          ?.push({ ...res, tailMs: tail.ms, drainedRps: res.requests / (res.seconds + tail.ms / 1000) });
        const spent = cpu.get(r.name);
        for (const [pid, ms] of cpuMs(procs.map((p) => p.pid))) {
          spent?.ms.set(pid, (spent.ms.get(pid) ?? 0) + ms - (cpuBefore.get(pid) ?? 0));
        }
        if (spent) spent.requests += res.requests;
      }
    }
    const stats = (name: string) => {
      const runs = results.get(name) ?? [];
      return {
        rps: median(runs.map((x) => x.rps)),
        drainedRps: median(runs.map((x) => x.drainedRps)),
        tailMs: median(runs.map((x) => x.tailMs)),
        p50: median(runs.map((x) => x.p50)),
        p99: median(runs.map((x) => x.p99)),
        non2xx: runs.reduce(
          (n, x) =>
            n +
            Object.entries(x.statuses).reduce((m, [s, k]) => m + (Number(s) >= 300 ? k : 0), 0) +
            x.errors,
          0,
        ),
        runs: runs.map((x) => Math.round(x.rps)).join("/"),
      };
    };
    const [empty, minimal, full, store] = routes.map((r) => stats(r.name));
    if (!empty || !minimal || !full || !store) throw new Error("missing results");
    console.log(`\n## Webhook ingest (${CONCURRENCY} connections, ${ROUNDS} rounds × ${SECONDS} s, medians)`);
    for (const [name, s] of routes.map((r, i) => [r.name, [empty, minimal, full, store][i]] as const)) {
      if (!s) continue;
      line(
        `ingest ${name}`,
        `${fmt(s.rps, 0)} req/s (runs ${s.runs}), ${fmt(s.drainedRps, 0)} drained (waitUntil tail ≤ ${fmt(s.tailMs, 0)} ms), p50 ${fmt(s.p50)} ms, p99 ${Number.isFinite(s.p99) ? `${fmt(s.p99)} ms` : `n/a (a round under ${minSamples(99)} answers)`}, non-2xx ${s.non2xx}`,
        { to: "empty", value: s.rps / empty.rps },
      );
    }
    line(
      "ingest full pipeline / minimal route, drained (target ≥ 0.8)",
      `${fmt(full.drainedRps / minimal.drainedRps, 2)} (by answers alone ${fmt(full.rps / minimal.rps, 2)})`,
    );
    line(
      "ingest store batch alone / minimal route (the floor the contract sets)",
      `${fmt(store.drainedRps / minimal.drainedRps, 2)}; full pipeline / store batch alone ${fmt(full.drainedRps / store.drainedRps, 2)}`,
    );
    for (const r of routes) {
      const spent = cpu.get(r.name);
      if (!spent || spent.requests === 0) continue;
      const per = procs
        .map((p) => `${p.comm}[${p.pid}] ${fmt((spent.ms.get(p.pid) ?? 0) / spent.requests, 2)}`)
        .join(", ");
      line(`ingest CPU ms per request: ${r.name.split(":")[0] ?? r.name}`, per);
    }
    const profiled = await profile(base);
    line(
      "ingest D1 round trips per webhook (request + waitUntil)",
      `${fmt(profiled.perWebhook, 1)} (counted once ${fmt(profiled.waitUntilPerWebhook, 1)} waitUntil calls per webhook had settled)`,
    );
    console.log(
      `  in the request: ${profiled.lastRequest.map((s) => (s.via === "batch" ? s.sql : s.sql.replace(/\s+/g, " ").slice(0, 70))).join(" | ")}`,
    );
    const stored = await json<{ n: number; distinct_ids: number }>(base, {
      method: "GET",
      path: "/bench/count",
    });
    line("ingest stored texts / distinct carrier ids", `${stored.n} / ${stored.distinct_ids}`);
    return { empty, minimal, full, store, roundTrips: profiled.perWebhook };
  } finally {
    await carrier.stop();
    if (!server) own.stop();
  }
}

if (isMain(import.meta.url)) await runIngest();
