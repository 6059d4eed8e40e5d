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

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export type LoadResult = {
  label: string;
  requests: number;
  rps: number;
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
