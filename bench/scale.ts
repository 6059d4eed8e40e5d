/**
 * Scale, simulated: one database holding many practices. Measures bytes per stored message (D1's reported
 * size), then the queue page, a thread and webhook latency for one number at 200,000 messages and again after
 * 100 more practices with 2,000,000 more messages, and webhook throughput spread over 100 numbers (100
 * Durable Objects) against all to one number. Prints the ratios; the README's Scaling section uses them.
 *
 *   node bench/scale.ts            (BENCH_SCALE_PRACTICES, default 100; BENCH_SCALE_MESSAGES per practice, default 20000)
 */
import { client, closedLoop, fmt, line, percentile } from "./lib/http.ts";
import { startFakeCarrier } from "./lib/fake-carrier.ts";
import { isMain, median } from "./lib/main.ts";
import { startServer, type Server } from "./lib/server.ts";
import { inboundParams, sign, WESTSIDE } from "./lib/twilio.ts";
import { signIn } from "./live.ts";
import { SIGNED_BASE } from "./lib/server.ts";

const PRACTICES = Number(process.env.BENCH_SCALE_PRACTICES ?? 100);
const PER_PRACTICE = Number(process.env.BENCH_SCALE_MESSAGES ?? 20_000);
/** Timed requests per figure: 200, so each p99 has two samples above it rather than being the maximum. */
const REPEAT = 200;

/** A signed inbound text to any clinic number (the scale numbers share Westside's Twilio account). */
function inboundTo(to: string, from: string, body: string) {
  const params = { ...inboundParams(from, body), To: to };
  const path = "/webhooks/twilio/messages";
  return {
    method: "POST",
    path,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": sign(`${SIGNED_BASE}${path}`, params),
    },
    body: new URLSearchParams(params).toString(),
  };
}

type Size = { bytes: number; messages: number; conversations: number; practices: number };

export async function runScale(server?: Server) {
  const own = server ?? (await startServer());
  const carrier = startFakeCarrier();
  const http = client(own.base, 1);
  const get = async <T>(path: string, cookie?: string) =>
    JSON.parse((await http.send({ method: "GET", path, headers: cookie ? { cookie } : {} })).body) as T;
  const post = async <T>(path: string) => JSON.parse((await http.send({ method: "POST", path })).body) as T;
  try {
    const { cookie, numberId } = await signIn(own.base);
    const empty = await get<Size>("/bench/db-size");
    await post("/bench/seed-queue?conversations=10000&messages=200000");
    const base = await get<Size>("/bench/db-size");

    let sample = 0;
    const measure = async () => {
      const timed = async (make: () => Parameters<typeof http.send>[0]) => {
        const ms: number[] = [];
        for (let i = 0; i < REPEAT + 5; i++) {
          const res = await http.send(make());
          if (res.status !== 200) throw new Error(`${res.status} ${res.body.slice(0, 200)}`);
          if (i >= 5) ms.push(res.ms);
        }
        return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
      };
      const list = `/api/queue/numbers/${numberId}/conversations?limit=50`;
      const first = JSON.parse(
        (await http.send({ method: "GET", path: list, headers: { cookie } })).body,
      ) as { conversations: { id: number }[] };
      const busiest = first.conversations[0]?.id ?? 0;
      return {
        queue: await timed(() => ({ method: "GET", path: list, headers: { cookie } })),
        thread: await timed(() => ({
          method: "GET",
          path: `/api/conversations/${busiest}/messages?limit=100`,
          headers: { cookie },
        })),
        webhook: await timed(() =>
          inboundTo(WESTSIDE, `+1555710${String(sample++ % 10000).padStart(4, "0")}`, "Scale check"),
        ),
      };
    };
    const before = await measure();

    const seeded = await post<{ ms: number; firstNumber: string; messages: number }>(
      `/bench/seed-scale?practices=${PRACTICES}&conversations=1000&messages=${PER_PRACTICE}`,
    );
    const after = await get<Size>("/bench/db-size");
    const later = await measure();

    console.log(`\n## Scale: ${after.practices} practices, ${after.messages} messages in one D1 database`);
    const perMessage = (after.bytes - base.bytes) / (after.messages - base.messages);
    line(
      "scale bytes per message (with its share of conversations, indexes)",
      `${fmt(perMessage, 0)} B (db ${fmt(empty.bytes / 2 ** 20)} → ${fmt(base.bytes / 2 ** 20)} → ${fmt(after.bytes / 2 ** 20)} MiB; seeded ${seeded.messages} in ${seeded.ms} ms)`,
    );
    line("scale messages that fit a 10 GB D1 database", `${fmt(10e9 / perMessage / 1e6, 1)} million`);
    for (const key of ["queue", "thread", "webhook"] as const) {
      line(
        `scale ${key} p50 at ${after.messages} vs ${base.messages} messages`,
        `${fmt(later[key].p50)} ms vs ${fmt(before[key].p50)} ms (p99 ${fmt(later[key].p99)} vs ${fmt(before[key].p99)})`,
        { to: "smaller database", value: later[key].p50 / before[key].p50 },
      );
    }

    // Throughput: the same load into one number, then spread over the 100 new numbers (100 objects).
    const prefix = seeded.firstNumber.slice(0, -3);
    const toNumber = (i: number) => `${prefix}${String(i % PRACTICES).padStart(3, "0")}`;
    const phone = (i: number) => `+1555720${String(i % 5000).padStart(4, "0")}`;
    // Alternating rounds, so drift in machine load hits both the same way; medians of three.
    const oneRuns: number[] = [];
    const manyRuns: number[] = [];
    let offset = 0;
    for (let round = 0; round < 3; round++) {
      for (const spread of [false, true]) {
        const start = offset;
        const r = await closedLoop(own.base, spread ? "many" : "one", {
          concurrency: 32,
          durationMs: 5000,
          maxRequests: 100_000,
          make: (i) =>
            inboundTo(
              spread ? toNumber(start + i) : WESTSIDE,
              phone(start + i),
              `${spread ? "many" : "one"} ${start + i}`,
            ),
        });
        if (r.errors > 0 || Object.keys(r.statuses).some((s) => s !== "200")) {
          throw new Error(`ingest failed: ${JSON.stringify(r.statuses)} errors ${r.errors}`);
        }
        offset += r.requests + 64;
        (spread ? manyRuns : oneRuns).push(r.rps);
      }
    }
    const one = { rps: median(oneRuns), runs: oneRuns.map(Math.round).join("/") };
    const many = { rps: median(manyRuns), runs: manyRuns.map(Math.round).join("/") };
    line("scale ingest to 1 number (32 connections)", `${fmt(one.rps, 0)} req/s (runs ${one.runs})`);
    line(
      `scale ingest spread over ${PRACTICES} numbers (${PRACTICES} objects)`,
      `${fmt(many.rps, 0)} req/s (runs ${many.runs})`,
      {
        to: "1 number",
        value: many.rps / one.rps,
      },
    );
    return { perMessage, before, later, base, after, one: one.rps, many: many.rps };
  } finally {
    http.close();
    await carrier.stop();
    if (!server) own.stop();
  }
}

if (isMain(import.meta.url)) await runScale();
