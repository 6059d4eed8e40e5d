/**
 * Load generation over keep-alive `node:http` (Node's fetch adds 1.3–2.7 ms per request: local-perf.md §4b),
 * always to 127.0.0.1, always bounded by a request count and a deadline.
 */
import http from "node:http";

export type Req = { method: string; path: string; headers?: Record<string, string>; body?: string };
export type Res = { status: number; body: string; headers: http.IncomingHttpHeaders; ms: number };

export function client(base: string, sockets: number) {
  const url = new URL(base);
  if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") throw new Error("loopback only");
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const send = (req: Req) =>
    new Promise<Res>((resolve, reject) => {
      const started = performance.now();
      const r = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: req.path,
          headers: {
            ...req.headers,
            ...(req.body !== undefined ? { "content-length": String(Buffer.byteLength(req.body)) } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString("utf8"),
              headers: res.headers,
              ms: performance.now() - started,
            }),
          );
          res.on("error", reject);
        },
      );
      r.on("timeout", () => r.destroy(new Error("timeout")));
      r.on("error", reject);
      r.end(req.body);
    });
  return { send, close: () => agent.destroy() };
}

/**
 * The fewest samples the p-th percentile is computed from: enough that at least two samples lie above it, so
 * it is never the maximum (one outlier) in disguise. p50 needs 4, p99 needs 200.
 */
export const minSamples = (p: number) => Math.ceil(2 / (1 - p / 100) - 1e-9);

/** The p-th percentile (nearest rank), or NaN when there are fewer than minSamples(p) samples. */
export function percentile(values: number[], p: number): number {
  if (values.length < minSamples(p)) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** p50 and p99 of a sample, with its size, so every printed figure can say how many samples it stands on. */
export type Tail = { n: number; p50: number; p99: number };
export const tail = (values: number[]): Tail => ({
  n: values.length,
  p50: percentile(values, 50),
  p99: percentile(values, 99),
});

/** "12.3 ms", or "n/a" (a percentile with too few samples) without a unit on nothing. */
export const fmtMs = (n: number) => (Number.isFinite(n) ? `${fmt(n)} ms` : "n/a");

/** "p99 10.0 ms", or "p99 n/a (n 40 < 200)". */
export const fmtP99 = (values: number[] | Tail) => {
  const t = Array.isArray(values) ? tail(values) : values;
  return Number.isFinite(t.p99) ? `p99 ${fmt(t.p99)} ms` : `p99 n/a (n ${t.n} < ${minSamples(99)})`;
};

/** "p50 6.0 ms, p99 10.0 ms (n 300)", or "p99 n/a (n 40 < 200)" rather than a maximum passed off as a p99. */
export function fmtTail(t: Tail): string {
  const p99 = Number.isFinite(t.p99) ? `p99 ${fmt(t.p99)} ms` : `p99 n/a`;
  const n = t.n < minSamples(99) ? `n ${t.n} < ${minSamples(99)}` : `n ${t.n}`;
  return `p50 ${fmt(t.p50)} ms, ${p99} (${n})`;
}

export type LoadResult = {
  label: string;
  requests: number;
  rps: number;
  /** From the first request sent to the last answer. */
  seconds: number;
  p50: number;
  p99: number;
  statuses: Record<number, number>;
  errors: number;
};

/**
 * Closed loop: `concurrency` workers each send the next request as soon as the last answered, until
 * `maxRequests` were sent or `durationMs` passed. Requests come from `make(i)`, so each can be distinct.
 */
export async function closedLoop(
  base: string,
  label: string,
  opts: { concurrency: number; durationMs: number; maxRequests: number; make: (i: number) => Req },
): Promise<LoadResult> {
  const c = client(base, opts.concurrency);
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + opts.durationMs;
  const worker = async () => {
    while (next < opts.maxRequests && performance.now() < deadline) {
      const i = next++;
      try {
        const res = await c.send(opts.make(i));
        latencies.push(res.ms);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  c.close();
  return {
    label,
    requests: latencies.length,
    rps: latencies.length / seconds,
    seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses,
    errors,
  };
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

/** One figure per line, with its ratio to the baseline measured in the same run. */
export function line(label: string, value: string, ratio?: { to: string; value: number }) {
  const r = ratio ? `  ratio ${ratio.value.toFixed(2)} × ${ratio.to}` : "";
  console.log(`${label.padEnd(58)} ${value}${r}`);
}
