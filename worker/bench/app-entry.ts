/**
 * @module Bench-only Worker entry: the real app (worker/app.ts, the same Durable Object class) plus reference
 * and instrumentation routes under /bench/*. Never deployed and never part of the app: it is only the `main`
 * of bench/wrangler.bench.toml, which the benchmarks run with `wrangler dev` on 127.0.0.1.
 *
 * - /bench/empty                 the cheapest route, the baseline every ratio starts from
 * - /bench/select1               one D1 round trip that reads nothing: the floor of any page of data
 * - /bench/minimal-insert        parses a webhook form and does one D1 insert: the floor a stored text pays
 * - /bench/store-only            parses the form and runs the real store batch (queries/inbound.ts) for the
 *                                Twilio number, with no signature, follow-ups or fan-out: what storing a text,
 *                                its conversation and its live event in one transaction costs on its own
 * - /bench/record?on=1|0         wraps D1 in a recorder for later requests (round trips, Server-Timing)
 * - /bench/record (GET)          the recorder's totals and the statements of the last recorded request
 * - /bench/plans (GET)           EXPLAIN QUERY PLAN and D1 meta.duration of the last recorded request's reads
 * - /bench/seed-queue            10,000 conversations, 200,000 messages and a Rolodex on the Westside number
 * - /bench/seed-scale            many practices, one number each, for bench/scale.ts
 * - /bench/db-size               database size (D1 meta.size_after) and row counts
 * - /bench/count                 inbound texts the real pipeline stored (distinct carrier ids too)
 * - /bench/hub?numberId=         how many sockets the number's Durable Object holds
 * - /bench/seed-scheduled        `count` staff texts due at `at` on the Westside number, and the alarm armed
 * - /bench/outbox?numberId=&at=  the texts due at `at` by status, and the number's alarm: is the drain done
 * - /bench/seed-numbers?count=   `count` more Twilio numbers in the Westside practice (its account and keys)
 * - /bench/pending               the app's `waitUntil` work: started, settled, still running
 */
import app from "../app";
import { DEMO } from "../db/seed-demo";
import type { Env } from "../env";
import { hubFor } from "../messaging/hub";
import { ClinicNumberHub as AppHub } from "../realtime/clinic-number-hub";
import { D1Log, recordingD1 } from "./d1-recorder";
import { createDb } from "../db/client";
import { findNumberByE164 } from "../db/queries/numbers";
import { storeInbound } from "../db/queries/inbound";
import type { ClinicNumber } from "../db/schema";
import { measureText } from "../shared/segments";

/** The app's Durable Object with one read-only addition, so a bench can see whether a drain is still armed. */
export class ClinicNumberHub extends AppHub {
  benchAlarmAt(): Promise<number | null> {
    return this.ctx.storage.getAlarm();
  }
}

const benchHub = (env: Env, id: number) =>
  (env.CLINIC_NUMBER_HUB as unknown as DurableObjectNamespace<ClinicNumberHub>).getByName(String(id));

/**
 * The app's `waitUntil` work (live fan-out, push, keyword replies after a webhook's answer), counted as it
 * starts and settles, so a bench waits for it by seeing it finish rather than by sleeping.
 */
const afterAnswer = { started: 0, settled: 0 };

function countingContext(ctx: ExecutionContext): ExecutionContext {
  return new Proxy(ctx, {
    get(target, key) {
      if (key === "waitUntil") {
        return (promise: Promise<unknown>) => {
          afterAnswer.started++;
          target.waitUntil(
            promise.finally(() => {
              afterAnswer.settled++;
            }),
          );
        };
      }
      const value: unknown = Reflect.get(target, key);
      // The runtime's methods need the real context as `this`.
      if (typeof value !== "function") return value;
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}

const FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "Mateo", "Isabella", "Lucas"];
const LAST = ["Garcia", "Nguyen", "Patel", "Johnson", "Kim", "Okafor", "Rossi", "Schmidt", "Haddad", "Lopez"];

let recording = false;
/** Everything recorded since recording was switched on, waitUntil work included. */
let total = new D1Log();
let requests = 0;
let last = new D1Log();

async function numberId(db: D1Database, e164: string) {
  const row = await db.prepare("select id, org_id from clinic_numbers where e164 = ?").bind(e164).first<{
    id: number;
    org_id: number;
  }>();
  if (!row) throw new Error(`no clinic number ${e164}: call an /api route first so the demo seeds`);
  return row;
}

/**
 * The queue at scale on one number. Conversations are a minute apart over the last ~7 days (inside the
 * 10-day window), one in three unread; messages are spread evenly; every phone has a Rolodex entry.
 * Recursive CTEs keep it to a handful of statements.
 */
async function seedQueue(db: D1Database, conversations: number, messages: number, e164: string) {
  const { id, org_id: orgId } = await numberId(db, e164);
  const now = Date.now();
  const base = 4_000_000 + Math.floor(Math.random() * 1000) * 10_000;
  const seq = `with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ?1 - 1)`;
  const first = await db
    .prepare(`select coalesce(max(id), 0) as id from conversations`)
    .first<{ id: number }>();
  await db
    .prepare(
      `insert into conversations (org_id, number_id, phone, last_message_at, last_message_preview, unread, created_at)
       ${seq} select ?2, ?3, '+1555' || printf('%07d', ?4 + i), ?5 - i * 60000, 'See you Tuesday at ' || (i % 12 + 1),
       i % 3 = 0, ?5 - i * 60000 - 86400000 from seq`,
    )
    .bind(conversations, orgId, id, base, now)
    .run();
  const firstConv = (first?.id ?? 0) + 1;
  await db
    .prepare(
      `insert into messages (org_id, number_id, conversation_id, direction, kind, body, status, carrier, carrier_message_id, created_at, updated_at)
       ${seq} select ?2, ?3, ?4 + (i % ?5), case when i % 2 = 0 then 'in' else 'out' end, 'reply',
       'Hi, this is a message about the appointment number ' || i, case when i % 2 = 0 then 'received' else 'delivered' end,
       'twilio', 'SMbench' || ?6 || '-' || i, ?7 - (i % ?5) * 60000 - (i / ?5) * 1000, ?7 from seq`,
    )
    .bind(messages, orgId, id, firstConv, conversations, base, now)
    .run();
  await db
    .prepare(
      `insert into patients (org_id, first_name, last_name, phone, created_at, updated_at)
       ${seq} select ?2, json_extract(?3, '$[' || (i % 10) || ']'), json_extract(?4, '$[' || ((i / 10) % 10) || ']') || (i / 100),
       '+1555' || printf('%07d', ?5 + i), ?6, ?6 from seq`,
    )
    .bind(conversations, orgId, JSON.stringify(FIRST), JSON.stringify(LAST), base, now)
    .run();
  return { numberId: id, orgId, conversations, messages, firstPhone: `+1555${base}`, ms: Date.now() - now };
}

/**
 * `count` send-later staff texts (kind direct, status queued, authored by the demo admin), each to its own new
 * conversation on one number, all due at `at`, then the number's alarm armed for `at` as a scheduled send
 * arms it. Returns the texts' ids and bodies in the drain's order (send_after, then id) for bench/scheduled.ts.
 */
async function seedScheduled(env: Env, count: number, at: number, e164: string) {
  const db = env.DB;
  const { id, org_id: orgId } = await numberId(db, e164);
  const author = await db
    .prepare("select id from users where email = ?")
    .bind(DEMO.admin.email)
    .first<{ id: number }>();
  const now = Date.now();
  const base = 6_000_000 + Math.floor(Math.random() * 900) * 1_000;
  const seq = `with recursive seq(i) as (select 0 union all select i + 1 from seq where i < cast(?1 as integer) - 1)`;
  await db.batch([
    db
      .prepare(
        `insert into conversations (org_id, number_id, phone, last_message_at, last_message_preview, unread, created_at)
         ${seq} select ?2, ?3, '+1555' || printf('%07d', cast(?4 as integer) + i), ?5, '', 0, ?5 from seq`,
      )
      .bind(count, orgId, id, base, now),
    db
      .prepare(
        `insert into messages (org_id, number_id, conversation_id, direction, kind, body, status, carrier, segments, encoding, author_user_id, created_at, updated_at, send_after, cancel_on_reply)
         ${seq} select ?2, ?3, c.id, 'out', 'direct', 'bench scheduled #' || i, 'queued', 'twilio', 1, 'GSM-7', ?6, ?5, ?5, cast(?7 as integer), 1
         from seq join conversations c on c.number_id = ?3 and c.phone = '+1555' || printf('%07d', cast(?4 as integer) + i)
         order by i`,
      )
      .bind(count, orgId, id, base, now, author?.id ?? null, at),
  ]);
  const rows = await db
    .prepare(
      "select id, body from messages where number_id = ? and status = 'queued' and send_after = ? order by send_after, id",
    )
    .bind(id, at)
    .all<{ id: number; body: string }>();
  await hubFor(env, id).scheduleDrain(id, at);
  return { numberId: id, texts: rows.results, ms: Date.now() - now };
}

/**
 * Many practices in one database, for bench/scale.ts: each gets one Twilio number (a copy of the demo
 * Westside number's account and credentials, so the bench can sign webhooks for any of them),
 * `conversations` conversations and `messages` messages. Returns the database size D1 reports.
 */
async function seedScale(db: D1Database, practices: number, conversations: number, messages: number) {
  const now = Date.now();
  const seq = `with recursive seq(i) as (select 0 union all select i + 1 from seq where i < ?1 - 1)`;
  // D1 binds JS numbers as REAL, and in its SQLite % and / then stay REAL: an id computed from them would be
  // fractional (a foreign-key failure). Every numeric parameter is cast to an integer where it is used.
  const ints = (query: string) => query.replace(/\?(\d)(?!\d)/g, "cast(?$1 as integer)");
  const maxId = async (table: string) =>
    (await db.prepare(`select coalesce(max(id), 0) as id from ${table}`).first<{ id: number }>())?.id ?? 0;
  const firstOrg = (await maxId("organizations")) + 1;
  await db
    .prepare(
      ints(`insert into organizations (name, created_at) ${seq} select 'Scale practice ' || i, ?2 from seq`),
    )
    .bind(practices, now)
    .run();
  const firstNumber = (await maxId("clinic_numbers")) + 1;
  const prefix = 9000 + Math.floor(Math.random() * 900);
  await db
    .prepare(
      `insert into clinic_numbers (org_id, e164, label, carrier, carrier_account_id, credentials_ciphertext, timezone, created_at)
       ${seq} select ?2 + i, '+1555' || ?3 || printf('%03d', i), 'Scale ' || i, carrier, carrier_account_id,
       credentials_ciphertext, timezone, ?4 from seq, clinic_numbers where e164 = ?5`.replace(
        /\?([1-4])/g,
        "cast(?$1 as integer)",
      ),
    )
    .bind(practices, firstOrg, prefix, now, DEMO.westsideNumber)
    .run();
  const firstConv = (await maxId("conversations")) + 1;
  const totalConv = practices * conversations;
  await db
    .prepare(
      ints(`insert into conversations (org_id, number_id, phone, last_message_at, last_message_preview, unread, created_at)
       ${seq} select ?2 + i / ?3, ?4 + i / ?3, '+1555' || printf('%07d', 1000000 + i % ?3), ?5 - (i % ?3) * 60000,
       'Thanks, see you then', i % 3 = 0, ?5 - 86400000 from seq`),
    )
    .bind(totalConv, firstOrg, conversations, firstNumber, now)
    .run();
  const total = practices * messages;
  // 200,000 rows per statement keeps each one well inside local D1's limits.
  for (let done = 0; done < total; done += 200_000) {
    const n = Math.min(200_000, total - done);
    await db
      .prepare(
        ints(`insert into messages (org_id, number_id, conversation_id, direction, kind, body, status, carrier, carrier_message_id, created_at, updated_at)
         ${seq} select ?2 + ((?3 + i) % ?4) / ?5, ?6 + ((?3 + i) % ?4) / ?5, ?7 + (?3 + i) % ?4,
         case when i % 2 = 0 then 'in' else 'out' end, 'reply', 'Hi, this is a message about the appointment number ' || (?3 + i),
         'delivered', 'twilio', 'SMscale' || ?8 || '-' || (?3 + i), ?9 - ((?3 + i) % ?5) * 60000 - ((?3 + i) / ?4) * 1000, ?9 from seq`),
      )
      .bind(n, firstOrg, done, totalConv, conversations, firstNumber, firstConv, prefix, now)
      .run();
  }
  const size = await db.prepare("select 1").run();
  return {
    practices,
    firstNumber: `+1555${prefix}000`,
    numberIds: [firstNumber, firstNumber + practices - 1],
    messages: total,
    dbBytes: size.meta.size_after,
    ms: Date.now() - now,
  };
}

/**
 * `count` more Twilio numbers in the Westside practice, each a copy of Westside's account and credentials (so
 * the bench signs webhooks to any of them the same way) with no office hours (no after-hours alerts): the
 * demo admin sees them all. For bench/live.ts's many-numbers run. Returns the new numbers.
 */
async function seedNumbers(db: D1Database, count: number) {
  const { org_id: orgId } = await numberId(db, DEMO.westsideNumber);
  const prefix = 8000 + Math.floor(Math.random() * 900);
  const seq = `with recursive seq(i) as (select 0 union all select i + 1 from seq where i < cast(?1 as integer) - 1)`;
  await db
    .prepare(
      `insert into clinic_numbers (org_id, e164, label, carrier, carrier_account_id, credentials_ciphertext, timezone, created_at)
       ${seq} select cast(?2 as integer), '+1555' || cast(?3 as integer) || printf('%03d', i), 'Bench ' || i, carrier,
       carrier_account_id, credentials_ciphertext, timezone, cast(?4 as integer) from seq, clinic_numbers where e164 = ?5`,
    )
    .bind(count, orgId, prefix, Date.now(), DEMO.westsideNumber)
    .run();
  const rows = await db
    .prepare("select id, e164 from clinic_numbers where e164 like ? order by id")
    .bind(`+1555${prefix}%`)
    .all<{ id: number; e164: string }>();
  return { numbers: rows.results };
}

/** The texts seed-scheduled stored for `at`, by status, and the number's alarm: a drain still to run or done. */
async function outbox(env: Env, id: number, at: number) {
  const rows = await env.DB.prepare(
    "select status, count(*) as n from messages where number_id = ? and send_after = ? group by status",
  )
    .bind(id, at)
    .all<{ status: string; n: number }>();
  const byStatus = Object.fromEntries(rows.results.map((r) => [r.status, r.n]));
  return { byStatus, alarmAt: await benchHub(env, id).benchAlarmAt() };
}

/** EXPLAIN QUERY PLAN and D1's own duration for each read the last recorded request made. */
async function plans(db: D1Database) {
  const out = [];
  for (const s of last.statements) {
    if (s.via !== "statement" || !/^\s*select/i.test(s.sql)) continue;
    const plan = await db
      .prepare(`explain query plan ${s.sql}`)
      .bind(...s.params)
      .all<{ detail: string }>();
    const rerun = await db
      .prepare(s.sql)
      .bind(...s.params)
      .all();
    out.push({
      sql: s.sql,
      plan: plan.results.map((r) => r.detail),
      d1DurationMs: rerun.meta.duration,
      rowsRead: rerun.meta.rows_read,
    });
  }
  return out;
}

async function minimalInsert(request: Request, db: D1Database) {
  // The same form parse the Twilio adapter does, then one idempotent insert: the floor any stored text pays.
  const params = new URLSearchParams(await request.text());
  await db
    .prepare(
      "insert into bench_inbound (sid, from_phone, to_phone, body, created_at) values (?, ?, ?, ?, ?) on conflict(sid) do nothing",
    )
    .bind(params.get("MessageSid"), params.get("From"), params.get("To"), params.get("Body"), Date.now())
    .run();
  return new Response('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', {
    headers: { "content-type": "text/xml; charset=utf-8" },
  });
}

let storeNumber: ClinicNumber | undefined;

async function storeOnly(request: Request, env: Env) {
  const params = new URLSearchParams(await request.text());
  const db = createDb(env.DB);
  storeNumber ??= await findNumberByE164(db, params.get("To") ?? "");
  if (!storeNumber) return new Response("unknown number", { status: 404 });
  const body = params.get("Body") ?? "";
  await storeInbound(db, {
    number: storeNumber,
    carrier: storeNumber.carrier,
    carrierMessageId: params.get("MessageSid") ?? "",
    phone: params.get("From") ?? "",
    body,
    ...measureText(body),
    eventId: null,
    keyword: null,
    possibleOptOut: null,
    media: [],
    now: Date.now(),
  });
  return new Response('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', {
    headers: { "content-type": "text/xml; charset=utf-8" },
  });
}

async function benchRoute(request: Request, env: Env, url: URL): Promise<Response> {
  const n = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
  switch (url.pathname) {
    case "/bench/empty":
      return new Response("ok");
    case "/bench/select1": {
      const row = await env.DB.prepare("select 1 as one").first();
      return Response.json(row);
    }
    case "/bench/minimal-insert":
      return minimalInsert(request, env.DB);
    case "/bench/store-only":
      return storeOnly(request, env);
    case "/bench/setup":
      await env.DB.exec(
        "create table if not exists bench_inbound (sid text primary key, from_phone text, to_phone text, body text, created_at integer)",
      );
      return Response.json({ ok: true });
    case "/bench/record":
      if (request.method === "POST") {
        recording = url.searchParams.get("on") === "1";
        total = new D1Log();
        last = new D1Log();
        requests = 0;
        return Response.json({ recording });
      }
      return Response.json({
        requests,
        roundTrips: total.roundTrips,
        statements: total.statements.length,
        d1Ms: total.ms,
        last: last.statements.map((s) => ({ sql: s.sql.slice(0, 160), ms: s.ms, via: s.via })),
      });
    case "/bench/plans":
      return Response.json(await plans(env.DB));
    case "/bench/seed-queue":
      return Response.json(
        await seedQueue(
          env.DB,
          n("conversations", 10_000),
          n("messages", 200_000),
          url.searchParams.get("e164") ?? DEMO.westsideNumber,
        ),
      );
    case "/bench/count": {
      // Inbound texts stored through the real pipeline, and how many distinct carrier ids they carry.
      const row = await env.DB.prepare(
        "select count(*) as n, count(distinct carrier_message_id) as distinct_ids from messages where direction = 'in' and carrier = 'twilio' and carrier_message_id not like 'SMbench%'",
      ).first<{ n: number; distinct_ids: number }>();
      return Response.json(row);
    }
    case "/bench/seed-scale":
      return Response.json(
        await seedScale(env.DB, n("practices", 100), n("conversations", 1000), n("messages", 20_000)),
      );
    case "/bench/db-size": {
      const size = await env.DB.prepare("select 1").run();
      const rows = await env.DB.prepare(
        "select (select count(*) from messages) as messages, (select count(*) from conversations) as conversations, (select count(*) from organizations) as practices",
      ).first();
      return Response.json({ bytes: size.meta.size_after, ...rows });
    }
    case "/bench/seed-scheduled":
      return Response.json(
        await seedScheduled(
          env,
          n("count", 1000),
          n("at", Date.now() + 5000),
          url.searchParams.get("e164") ?? DEMO.westsideNumber,
        ),
      );
    case "/bench/outbox":
      return Response.json(await outbox(env, n("numberId", 0), n("at", 0)));
    case "/bench/seed-numbers":
      return Response.json(await seedNumbers(env.DB, n("count", 99)));
    case "/bench/pending":
      return Response.json({ ...afterAnswer, pending: afterAnswer.started - afterAnswer.settled });
    case "/bench/hub":
      return Response.json({ sockets: await hubFor(env, n("numberId", 0)).connectionCount() });
    default:
      return new Response("no such bench route", { status: 404 });
  }
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/bench/")) return benchRoute(request, env, url);
    if (!recording) return app.fetch(request, env, countingContext(ctx));
    // Recorded: the app sees a D1 that logs into this request's log and the run's total.
    const log = new D1Log();
    last = log;
    requests++;
    const started = Date.now();
    const res = await app.fetch(
      request,
      { ...env, DB: recordingD1(env.DB, [log, total]) },
      countingContext(ctx),
    );
    if (res.status === 101) return res;
    const timed = new Response(res.body, res);
    timed.headers.set(
      "server-timing",
      `d1;dur=${log.ms};desc="${log.roundTrips} round trips", app;dur=${Date.now() - started}`,
    );
    return timed;
  },
} satisfies ExportedHandler<Env>;
