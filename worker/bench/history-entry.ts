/**
 * @module Bench-only Worker entry for bench/history.ts: seeds bulk history, runs the prune job and an export,
 * and times a plain D1 read of the same rows in the same process for the ratios. Never deployed: it is only
 * the `main` of bench/wrangler.history.toml, which the bench runs with `wrangler dev` on 127.0.0.1.
 */
import { sql } from "drizzle-orm";
import { createDb, type Db } from "../db/client";
import { insertExport } from "../db/queries/exports";
import { insertNumber } from "../db/queries/numbers";
import { insertOrganization } from "../db/queries/organizations";
import { insertUser } from "../db/queries/users";
import { runExport } from "../jobs/export-history";
import { pruneAndArchive } from "../jobs/prune-and-archive";

type BenchEnv = { DB: D1Database; HISTORY: R2Bucket };
type Seeded = { orgId: number; userId: number; oldNumberId: number; exportNumberId: number };

const DAY_MS = 86_400_000;
const BODY =
  "Hi, this is the clinic: your appointment is confirmed for Tuesday at 10:30. Reply C to confirm.";

async function setup(db: Db, now: number): Promise<Seeded> {
  const [org] = await insertOrganization(
    db,
    { name: "Bench Clinic", timezone: "America/Chicago", queueWindowDays: 10, idleTimeoutMinutes: 30 },
    now,
  );
  if (!org) throw new Error("no org");
  const number = (e164: string) =>
    insertNumber(
      db,
      org.id,
      {
        e164,
        label: e164,
        carrier: "simulator",
        timezone: "America/Chicago",
        carrierAccountId: null,
        credentialsCiphertext: null,
      },
      now,
    );
  const [[oldNumber], [exportNumber], [user]] = await Promise.all([
    number("+15557770001"),
    number("+15557770002"),
    insertUser(
      db,
      {
        orgId: org.id,
        email: "bench@example.com",
        name: "Bench",
        role: "admin",
        active: true,
        smsReplyAlert: true,
        smsReplySound: true,
        passwordHash: "x",
      },
      now,
    ),
  ]);
  if (!oldNumber || !exportNumber || !user) throw new Error("seed failed");
  return { orgId: org.id, userId: user.id, oldNumberId: oldNumber.id, exportNumberId: exportNumber.id };
}

/** `count` messages over `conversations` conversations of a number, from `start` one every `stepMs`. */
async function seedBulk(
  db: Db,
  s: Seeded,
  numberId: number,
  conversations: number,
  count: number,
  start: number,
  stepMs: number,
) {
  const convJson = JSON.stringify(
    Array.from({ length: conversations }, (_, i) => `+1555${String(3_000_000 + i).padStart(7, "0")}`),
  );
  await db.run(sql`insert or ignore into conversations (org_id, number_id, phone, last_message_at, created_at)
    select ${s.orgId}, ${numberId}, value, ${start}, ${start} from json_each(${convJson})`);
  const ids = await db.run(sql`select id from conversations where number_id = ${numberId} order by id`);
  const convIds = (ids.results as { id: number }[]).map((r) => r.id);
  const CHUNK = 5000;
  for (let i = 0; i < count; i += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, count - i) }, (_, j) => {
      const n = i + j;
      return {
        c: convIds[n % convIds.length],
        d: n % 2 ? "out" : "in",
        t: start + n * stepMs,
        a: n % 2 ? s.userId : null,
      };
    });
    await db.run(sql`insert into messages (org_id, number_id, conversation_id, direction, kind, body, status, carrier, author_user_id, created_at)
      select ${s.orgId}, ${numberId}, j.value ->> 'c', j.value ->> 'd', 'reply', ${BODY}, 'delivered', 'simulator', j.value ->> 'a', j.value ->> 't'
      from json_each(${JSON.stringify(rows)}) as j`);
  }
  return convIds[0] ?? 0;
}

/** The reference: read the same rows with keyset pages, touching each row, no formatting or R2. */
async function plainRead(db: Db, where: "old" | "conversation", key: number, cutoff: number) {
  let afterId = 0;
  let rows = 0;
  let chars = 0;
  for (;;) {
    const page = await db.run(
      where === "old"
        ? sql`select * from messages where number_id = ${key} and created_at < ${cutoff} and id > ${afterId} order by id limit 5000`
        : sql`select * from messages where conversation_id = ${key} and id > ${afterId} order by id limit 2000`,
    );
    const list = page.results as { id: number; body: string }[];
    for (const r of list) chars += r.body.length;
    rows += list.length;
    const last = list.at(-1);
    if (!last) return { rows, chars };
    afterId = last.id;
  }
}

let seeded: Seeded | undefined;
let exportConversation = 0;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const db = createDb(env.DB);
    const now = Date.now();
    const n = Number(url.searchParams.get("n") ?? "0");
    const started = performance.now();
    const timed = (result: object) => Response.json({ ...result, ms: performance.now() - started });
    switch (url.pathname) {
      case "/health":
        return new Response("ok");
      case "/seed": {
        seeded ??= await setup(db, now);
        // Old history: `n` messages 70 to 40 days back, well outside the 10-day window.
        await seedBulk(
          db,
          seeded,
          seeded.oldNumberId,
          2000,
          n,
          now - 70 * DAY_MS,
          Math.floor((30 * DAY_MS) / n),
        );
        // Export history: `n / 2` recent messages in one conversation.
        exportConversation = await seedBulk(db, seeded, seeded.exportNumberId, 1, n / 2, now - DAY_MS, 100);
        return timed({ seeded: n + n / 2 });
      }
      case "/read-old":
        return timed(await plainRead(db, "old", seeded?.oldNumberId ?? 0, now - 10 * DAY_MS));
      case "/prune":
        return timed(
          await pruneAndArchive({ db, bucket: env.HISTORY, now, budgetMs: 600_000, maxObjects: 1000 }),
        );
      case "/read-conversation":
        return timed(await plainRead(db, "conversation", exportConversation, now));
      case "/export": {
        if (!seeded) return new Response("seed first", { status: 409 });
        const job = await insertExport(
          db,
          {
            orgId: seeded.orgId,
            userId: seeded.userId,
            numberId: seeded.exportNumberId,
            conversationId: exportConversation,
            phone: "+15553000000",
            rangeFrom: null,
            rangeTo: null,
            format: "csv",
          },
          now,
        );
        const status = await runExport({ db, bucket: env.HISTORY }, job.id);
        const row = await db.query.historyExports.findFirst({ where: (e, { eq }) => eq(e.id, job.id) });
        return timed({ status, rows: row?.rows, bytes: row?.bytes });
      }
      default:
        return new Response("not found", { status: 404 });
    }
  },
} satisfies ExportedHandler<BenchEnv>;
