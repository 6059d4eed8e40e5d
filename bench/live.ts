/**
 * Inbound to screen: p50/p99 from sending a signed webhook POST to each connected WebSocket receiving the
 * event, with 1, 10 and 100 sockets on the Westside number, next to an empty-route round trip in the same
 * run; then 100 clinic numbers with 10 sockets each (1,000 sockets), the texts going round the numbers. One
 * message in flight at a time (the next is sent once every socket of its number has it), so this is latency,
 * not saturation.
 *
 * Each row is measured in BENCH_LIVE_RUNS runs (default 3), each printed, and its figure is the median of the
 * runs' percentiles: one run's p99 swings with whatever else the machine does (18.5 and 46.5 ms in two runs).
 * A run sends BENCH_MESSAGES texts (default 200), so even the 1-socket row's p99, and every row's last-socket
 * p99 (one sample per text), stands on 200 samples.
 *
 *   node bench/live.ts            (BENCH_MESSAGES, BENCH_LIVE_RUNS, BENCH_LIVE_NUMBERS: default 200, 3, 100)
 */
import { client, fmt, fmtMs, fmtP99, fmtTail, line, tail, type Tail } from "./lib/http.ts";
import { startFakeCarrier } from "./lib/fake-carrier.ts";
import { countdown, isMain, median, pollUntil } from "./lib/main.ts";
import { startServer, type Server } from "./lib/server.ts";
import { inboundParams, signedPost, WESTSIDE } from "./lib/twilio.ts";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const RUNS = Number(process.env.BENCH_LIVE_RUNS ?? 3);
const SOCKET_COUNTS = [1, 10, 100];
/** The many-numbers run: this many clinic numbers (Westside and seeded copies), PER_NUMBER sockets each. */
const NUMBERS = Number(process.env.BENCH_LIVE_NUMBERS ?? 100);
const PER_NUMBER = 10;
/** How long a text's event is waited for before its missing receipts count as lost. */
const LOST_AFTER_MS = 5_000;

type Frame = { type: string; event?: { type: string; message?: { body: string } } };

/** Signs in (the demo admin unless told) and returns the session cookie and the Westside number's id. */
export async function signIn(base: string, email = "admin@example.com", password = "demo-admin") {
  const c = client(base, 1);
  try {
    const res = await c.send({
      method: "POST",
      path: "/api/auth/login",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const setCookie = [res.headers["set-cookie"] ?? []].flat().join(";");
    const session = /__Host-td_session=([^;]+)/.exec(setCookie)?.[1];
    if (res.status !== 200 || !session) throw new Error(`sign-in failed: ${res.status} ${res.body}`);
    const cookie = `__Host-td_session=${session}`;
    const numbers = await c.send({ method: "GET", path: "/api/numbers", headers: { cookie } });
    const list = (JSON.parse(numbers.body) as { numbers: { id: number; e164: string }[] }).numbers;
    const westside = list.find((n) => n.e164 === WESTSIDE);
    if (!westside) throw new Error("no Westside number");
    return { cookie, numberId: westside.id };
  } finally {
    c.close();
  }
}

/** Opens `n` live sockets on a number as a signed-in browser does; each calls `onBody` with every message body. */
async function openSockets(
  base: string,
  numberId: number,
  cookie: string,
  n: number,
  onBody: (body: string) => void,
) {
  const url = `${base.replace("http", "ws")}/api/live/numbers/${numberId}/socket`;
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          // Node's WebSocket (undici) takes headers as a non-standard option: the session cookie.
          const ws = new WebSocket(url, { headers: { cookie } } as unknown as string[]);
          ws.addEventListener("open", () => resolve(ws));
          ws.addEventListener("error", () => reject(new Error("socket failed to open")));
          ws.addEventListener("message", (m: MessageEvent) => {
            if (typeof m.data !== "string" || m.data === "pong") return;
            const frame = JSON.parse(m.data) as Frame;
            if (frame.event?.type === "message" && frame.event.message) onBody(frame.event.message.body);
          });
        }),
    ),
  );
}

/** How many sockets each number's Durable Object holds, summed. */
async function hubSockets(base: string, numberIds: number[]) {
  const c = client(base, 4);
  try {
    const counts = await Promise.all(
      numberIds.map(async (id) => {
        const res = await c.send({ method: "GET", path: `/bench/hub?numberId=${id}` });
        return (JSON.parse(res.body) as { sockets: number }).sockets;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  } finally {
    c.close();
  }
}

type Target = { id: number; e164: string };

export type LiveRun = {
  /** Every socket's receipt of every measured text. */
  receipts: Tail;
  /** Per text, when the last socket of its number had it. */
  last: Tail;
  http50: number;
  connected: number;
  lost: number;
};

/**
 * One run: `perNumber` sockets on each target, MESSAGES texts (after 5 unmeasured) going round the targets,
 * each sent once every socket has the one before (or it was given up as lost after LOST_AFTER_MS).
 */
async function measureRun(
  base: string,
  cookie: string,
  targets: Target[],
  perNumber: number,
  tag: string,
): Promise<LiveRun> {
  const http = client(base, 1);
  const pending = new Map<string, { sent: number; hit: () => void }>();
  const receipts: number[] = [];
  const last: number[] = [];
  const httpMs: number[] = [];
  let measuring = false;
  let lost = 0;
  const sockets = (
    await Promise.all(
      targets.map((t) =>
        openSockets(base, t.id, cookie, perNumber, (body) => {
          const p = pending.get(body);
          if (!p) return;
          if (measuring) receipts.push(performance.now() - p.sent);
          p.hit();
        }),
      ),
    )
  ).flat();
  try {
    const connected = await hubSockets(
      base,
      targets.map((t) => t.id),
    );
    for (let i = -5; i < MESSAGES; i++) {
      const target = targets[(i + 5) % targets.length];
      if (!target) throw new Error("no target number");
      const body = `bench live ${tag}:${i}`;
      const all = countdown(perNumber, LOST_AFTER_MS);
      const sent = performance.now();
      pending.set(body, { sent, hit: all.hit });
      measuring = i >= 0;
      const params = { ...inboundParams(`+1555700${String(i + 5).padStart(4, "0")}`, body), To: target.e164 };
      const res = await http.send(signedPost("/webhooks/twilio/messages", params));
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      const everyone = await all.done;
      const lastMs = performance.now() - sent;
      pending.delete(body);
      if (i < 0) continue; // Warm-up.
      httpMs.push(res.ms);
      if (everyone) last.push(lastMs);
      else lost += all.left();
    }
    return { receipts: tail(receipts), last: tail(last), http50: tail(httpMs).p50, connected, lost };
  } finally {
    for (const ws of sockets) ws.close(1000, "bench done");
    // The next run starts once the objects have let go of these sockets (seen, not slept on).
    await pollUntil(
      async () =>
        (await hubSockets(
          base,
          targets.map((t) => t.id),
        )) === 0,
      10_000,
      50,
    );
    http.close();
  }
}

/** The runs of one row and their medians: the figure of record is the median run's percentiles. */
function summarize(runs: LiveRun[]) {
  return {
    p50: median(runs.map((r) => r.receipts.p50)),
    p99: median(runs.map((r) => r.receipts.p99)),
    last99: median(runs.map((r) => r.last.p99)),
    lost: runs.reduce((n, r) => n + r.lost, 0),
    runs,
  };
}

const runsText = (runs: LiveRun[], pick: (r: LiveRun) => number) => runs.map((r) => fmt(pick(r))).join(" / ");

export async function runLive(server?: Server) {
  const own = server ?? (await startServer());
  const carrier = startFakeCarrier();
  const http = client(own.base, 4);
  try {
    const { cookie, numberId } = await signIn(own.base);
    console.log(
      `\n## Inbound to screen (${MESSAGES} texts per run, one in flight, ${RUNS} runs per row; figures are the runs' median)`,
    );
    const emptyMs: number[] = [];
    for (let i = 0; i < 300; i++) emptyMs.push((await http.send({ method: "GET", path: "/bench/empty" })).ms);
    const empty = tail(emptyMs.slice(50));
    line("live empty-route round trip (baseline)", fmtTail(empty));

    const westside = [{ id: numberId, e164: WESTSIDE }];
    const byCount = new Map<number, LiveRun[]>(SOCKET_COUNTS.map((n) => [n, []]));
    // Runs interleave the socket counts, so a burst of load elsewhere lands on every row, not one.
    for (let run = 1; run <= RUNS; run++) {
      for (const n of SOCKET_COUNTS) {
        const r = await measureRun(own.base, cookie, westside, n, `${n}:${run}`);
        byCount.get(n)?.push(r);
        line(
          `live ${n} socket(s), run ${run} (${r.connected} held by the hub)`,
          `${fmtTail(r.receipts)}; last socket ${fmtP99(r.last)}; HTTP p50 ${fmtMs(r.http50)}; lost ${r.lost}`,
        );
      }
    }
    const results = SOCKET_COUNTS.map((n) => ({ n, ...summarize(byCount.get(n) ?? []) }));
    for (const r of results) {
      line(
        `live ${r.n} socket(s): webhook POST → socket, median of ${r.runs.length} runs`,
        `p50 ${fmtMs(r.p50)}, p99 ${fmtMs(r.p99)} (runs ${runsText(r.runs, (x) => x.receipts.p99)}); last socket p99 ${fmtMs(r.last99)}; lost ${r.lost}`,
        { to: "empty-route p50", value: r.p50 / empty.p50 },
      );
    }

    // Many numbers: each its own Durable Object, 10 screens on each, the texts going round them.
    const seeded = await http.send({ method: "POST", path: `/bench/seed-numbers?count=${NUMBERS - 1}` });
    if (seeded.status !== 200) throw new Error(`seed-numbers answered ${seeded.status}: ${seeded.body}`);
    const many = [...westside, ...(JSON.parse(seeded.body) as { numbers: Target[] }).numbers];
    const manyRuns: LiveRun[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const r = await measureRun(own.base, cookie, many, PER_NUMBER, `many:${run}`);
      manyRuns.push(r);
      line(
        `live ${many.length} numbers × ${PER_NUMBER} sockets, run ${run} (${r.connected} held)`,
        `${fmtTail(r.receipts)}; last socket ${fmtP99(r.last)}; HTTP p50 ${fmtMs(r.http50)}; lost ${r.lost}`,
      );
    }
    const manyNumbers = { numbers: many.length, perNumber: PER_NUMBER, ...summarize(manyRuns) };
    line(
      `live ${many.length} numbers × ${PER_NUMBER} sockets, median of ${manyRuns.length} runs`,
      `p50 ${fmtMs(manyNumbers.p50)}, p99 ${fmtMs(manyNumbers.p99)} (runs ${runsText(manyRuns, (x) => x.receipts.p99)}); last socket p99 ${fmtMs(manyNumbers.last99)}; lost ${manyNumbers.lost}`,
      { to: "empty-route p50", value: manyNumbers.p50 / empty.p50 },
    );
    return { empty50: empty.p50, results, manyNumbers };
  } finally {
    http.close();
    await carrier.stop();
    if (!server) own.stop();
  }
}

if (isMain(import.meta.url)) await runLive();
