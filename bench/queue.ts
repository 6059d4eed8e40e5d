/**
 * Queue at scale: with 10,000 conversations and 200,000 messages on one clinic number (and a Rolodex entry
 * per phone), the server time of the queue list's first page, next page, unread-only page and searches by
 * name and by phone digits, each with the EXPLAIN QUERY PLAN of every read it made. Server time comes from
 * the bench entry's D1 recorder (Server-Timing) and D1's own meta.duration; baselines are an empty route and
 * a `SELECT 1` route on the same server.
 *
 *   node bench/queue.ts            (BENCH_CONVERSATIONS, default 10000; BENCH_QUEUE_MESSAGES, default 200000;
 *                                   BENCH_QUEUE_REPEAT timed requests per route, default 200)
 */
import { client, fmt, fmtTail, line, percentile, tail } from "./lib/http.ts";
import { isMain } from "./lib/main.ts";
import { startServer, type Server } from "./lib/server.ts";
import { signIn } from "./live.ts";

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 10_000);
const MESSAGES = Number(process.env.BENCH_QUEUE_MESSAGES ?? 200_000);
/** Timed requests per route: 200, so each p99 has two samples above it (40 made it the maximum). */
const REPEAT = Number(process.env.BENCH_QUEUE_REPEAT ?? 200);

type Plan = { sql: string; plan: string[]; d1DurationMs: number; rowsRead: number };

/** A plan line that reads a whole table (or a whole index) rather than searching it. */
/**
 * A plan step that walks a whole table. Not one: a constant row, and `json_each` over a bound JSON list (the
 * IN-list of chunked.ts `inJsonList`, which keeps D1's 100-parameter limit): it walks the request's own ids.
 */
export const isScan = (detail: string) =>
  /^SCAN /.test(detail) && !/CONSTANT ROW/.test(detail) && !/^SCAN json_each VIRTUAL TABLE/.test(detail);

function serverTiming(header: string | string[] | undefined) {
  const value = [header ?? []].flat().join(",");
  return {
    d1: Number(/d1;dur=([\d.]+)/.exec(value)?.[1] ?? NaN),
    app: Number(/app;dur=([\d.]+)/.exec(value)?.[1] ?? NaN),
    trips: Number(/"(\d+) round trips"/.exec(value)?.[1] ?? NaN),
  };
}

export async function runQueue(server?: Server) {
  const own = server ?? (await startServer());
  const http = client(own.base, 1);
  try {
    const { cookie, numberId } = await signIn(own.base);
    const seeded = await http.send({
      method: "POST",
      path: `/bench/seed-queue?conversations=${CONVERSATIONS}&messages=${MESSAGES}`,
    });
    if (seeded.status !== 200) throw new Error(`seed failed: ${seeded.body}`);
    const seed = JSON.parse(seeded.body) as { ms: number; firstPhone: string };
    console.log(
      `\n## Queue at scale (${CONVERSATIONS} conversations, ${MESSAGES} messages; seeded in ${seed.ms} ms)`,
    );

    // A search travels as a JSON body (POST …/search), like the web app's, so no name sits in a URL.
    const timeRoute = async (path: string, headers: Record<string, string> = {}, search?: string) => {
      const ms: number[] = [];
      const d1: number[] = [];
      const app: number[] = [];
      let trips = 0;
      let body = "";
      for (let i = 0; i < REPEAT + 5; i++) {
        const res = await http.send(
          search === undefined
            ? { method: "GET", path, headers }
            : {
                method: "POST",
                path: `${path}/search`,
                headers: { ...headers, "content-type": "application/json" },
                body: JSON.stringify({ q: search, limit: 50 }),
              },
        );
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.body.slice(0, 200)}`);
        if (i < 5) continue; // warm-up
        ms.push(res.ms);
        const t = serverTiming(res.headers["server-timing"]);
        d1.push(t.d1);
        app.push(t.app);
        trips = t.trips;
        body = res.body;
      }
      return {
        ...tail(ms),
        d1: percentile(d1, 50),
        app: percentile(app, 50),
        trips,
        body,
      };
    };

    const empty = await timeRoute("/bench/empty");
    const select1 = await timeRoute("/bench/select1");
    line("queue empty route (baseline)", `HTTP ${fmtTail(empty)}`);
    line("queue SELECT 1 route (baseline)", `HTTP ${fmtTail(select1)}`, {
      to: "empty",
      value: select1.p50 / empty.p50,
    });

    await http.send({ method: "POST", path: "/bench/record?on=1" });
    const list = `/api/queue/numbers/${numberId}/conversations`;
    const first = await timeRoute(`${list}?limit=50`, { cookie });
    const cursor = (JSON.parse(first.body) as { nextCursor: string | null }).nextCursor ?? "";
    // The last six digits of one phone deep in the list: a selective search, the worst case for a scan.
    const digits = String(Number(seed.firstPhone.slice(5)) + 7777).slice(-6);
    const cases: [string, string, string?][] = [
      ["first page (50)", `${list}?limit=50`],
      ["next page (keyset cursor)", `${list}?limit=50&cursor=${encodeURIComponent(cursor)}`],
      ["unread only", `${list}?limit=50&unread=true`],
      // The seeded Rolodex has 1,000 "Nguyen…" and 1,000 "Olivia"; "Nguyen12" is 10 people, as in life.
      ["search by name, common (Nguyen: 1,000 people)", list, "Nguyen"],
      ["search by name, selective (Nguyen12)", list, "Nguyen12"],
      ["search by first and last name (Olivia Nguyen12)", list, "Olivia Nguyen12"],
      ["search by phone digits", list, digits],
    ];
    let scans = 0;
    const figures = [];
    for (const [label, path, search] of cases) {
      const t = await timeRoute(path, { cookie }, search);
      const rows = (JSON.parse(t.body) as { conversations: unknown[] }).conversations.length;
      line(
        `queue ${label}`,
        `HTTP ${fmtTail(t)}; server D1 ${fmt(t.d1)} ms in ${t.trips} round trips; ${rows} rows`,
        { to: "SELECT 1 p50", value: t.p50 / select1.p50 },
      );
      const plans = JSON.parse((await http.send({ method: "GET", path: "/bench/plans" })).body) as Plan[];
      for (const p of plans) {
        const bad = p.plan.some(isScan);
        if (bad) scans++;
        // The session lookup is every API request's; print the queue's own reads.
        if (/from "sessions"|from "users"|from "organizations"/.test(p.sql) && !bad) continue;
        console.log(
          `    ${bad ? "SCAN!" : "ok   "} D1 ${fmt(p.d1DurationMs, 2)} ms, ${p.rowsRead} rows read: ${p.sql.replace(/\s+/g, " ").slice(0, 110)}`,
        );
        for (const detail of p.plan) console.log(`          ${detail}`);
      }
      figures.push({ label, ...t, rows });
    }
    await http.send({ method: "POST", path: "/bench/record?on=0" });
    line("queue reads whose plan scans a table", String(scans));
    return { empty, select1, figures, scans };
  } finally {
    http.close();
    if (!server) own.stop();
  }
}

if (isMain(import.meta.url)) await runQueue();
