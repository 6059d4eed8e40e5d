/**
 * Inbound to screen: p50/p99 from sending a signed webhook POST to each connected WebSocket receiving the
 * event, with 1, 10 and 100 sockets on the Westside number, next to an empty-route round trip in the same
 * run. One message in flight at a time (the next is sent once every socket has it), so this is latency, not
 * saturation.
 *
 *   node bench/live.ts            (BENCH_MESSAGES per socket count, default 100)
 */
import { client, fmt, line, percentile } from "./lib/http.ts";
import { startFakeCarrier } from "./lib/fake-carrier.ts";
import { isMain, sleep } from "./lib/main.ts";
import { startServer, type Server } from "./lib/server.ts";
import { inboundParams, signedPost, WESTSIDE } from "./lib/twilio.ts";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100);
const SOCKET_COUNTS = [1, 10, 100];

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

/** Opens `n` live sockets as a signed-in browser does; each calls `onBody` with every message body. */
async function openSockets(
  base: string,
  numberId: number,
  cookie: string,
  n: number,
  onBody: (body: string) => void,
) {
  const url = `${base.replace("http", "ws")}/api/live/numbers/${numberId}/socket`;
  const sockets = await Promise.all(
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
  return sockets;
}

async function hubSockets(base: string, numberId: number) {
  const c = client(base, 1);
  try {
    return (
      JSON.parse((await c.send({ method: "GET", path: `/bench/hub?numberId=${numberId}` })).body) as {
        sockets: number;
      }
    ).sockets;
  } finally {
    c.close();
  }
}

export async function runLive(server?: Server) {
  const own = server ?? (await startServer());
  const carrier = startFakeCarrier();
  const http = client(own.base, 4);
  try {
    const { cookie, numberId } = await signIn(own.base);
    console.log(`\n## Inbound to screen (${MESSAGES} messages per row, one in flight)`);
    const emptyMs: number[] = [];
    for (let i = 0; i < 300; i++) emptyMs.push((await http.send({ method: "GET", path: "/bench/empty" })).ms);
    const empty50 = percentile(emptyMs.slice(50), 50);
    line(
      "live empty-route round trip (baseline)",
      `p50 ${fmt(empty50)} ms, p99 ${fmt(percentile(emptyMs.slice(50), 99))} ms`,
    );
    const results = [];
    for (const n of SOCKET_COUNTS) {
      const pending = new Map<string, { sent: number; left: number; done: () => void }>();
      const receipts: number[] = [];
      const lastClient: number[] = [];
      const httpMs: number[] = [];
      let lost = 0;
      const sockets = await openSockets(own.base, numberId, cookie, n, (body) => {
        const p = pending.get(body);
        if (!p) return;
        const ms = performance.now() - p.sent;
        receipts.push(ms);
        if (--p.left === 0) {
          lastClient.push(ms);
          p.done();
        }
      });
      const connected = await hubSockets(own.base, numberId);
      // Warm-up messages, not measured.
      for (let i = -5; i < MESSAGES; i++) {
        const body = `bench live ${n}:${i}`;
        const arrived = new Promise<void>((resolve) =>
          pending.set(body, { sent: performance.now(), left: n, done: resolve }),
        );
        const entry = pending.get(body);
        if (!entry) throw new Error("unreachable");
        entry.sent = performance.now();
        const res = await http.send(
          signedPost(
            "/webhooks/twilio/messages",
            inboundParams(`+1555700${String(i + 5).padStart(4, "0")}`, body),
          ),
        );
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        const timedOut = await Promise.race([arrived.then(() => false), sleep(5000).then(() => true)]);
        if (timedOut) lost += entry.left;
        pending.delete(body);
        if (i < 0) {
          receipts.length = 0;
          lastClient.length = 0;
        } else httpMs.push(res.ms);
      }
      for (const ws of sockets) ws.close(1000, "bench done");
      const r = {
        n,
        connected,
        p50: percentile(receipts, 50),
        p99: percentile(receipts, 99),
        last50: percentile(lastClient, 50),
        last99: percentile(lastClient, 99),
        http50: percentile(httpMs, 50),
        lost,
      };
      results.push(r);
      line(
        `live ${n} socket(s) (${connected} held by the hub): webhook POST → socket`,
        `p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms; last socket p50 ${fmt(r.last50)} / p99 ${fmt(r.last99)} ms; HTTP p50 ${fmt(r.http50)} ms; lost ${lost}`,
        { to: "empty-route p50", value: r.p50 / empty50 },
      );
      await sleep(500);
    }
    const hundred = results.find((r) => r.n === 100);
    if (hundred)
      line("live p99 with 100 sockets (target < 50 ms on an idle machine)", `${fmt(hundred.p99)} ms`);
    return { empty50, results };
  } finally {
    http.close();
    await carrier.stop();
    if (!server) own.stop();
  }
}

if (isMain(import.meta.url)) await runLive();
