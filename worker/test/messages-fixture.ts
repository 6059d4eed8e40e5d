/**
 * Seeds conversations and messages straight into D1 with chosen timestamps, so archive and export tests can
 * make history that is months old without waiting for it. One JSON parameter per statement keeps thousands
 * of rows per insert under D1's bound-parameter limit.
 */
import { sql } from "drizzle-orm";
import { env } from "cloudflare:workers";
import { createDb, type Db } from "../db/client";
import { DEMO } from "../db/seed-demo";
import type { messages, MessageDirection, MessageKind } from "../db/schema";

export const DAY_MS = 86_400_000;

export function testDb(): Db {
  return createDb(env.DB);
}

export type DemoIds = {
  orgId: number;
  mainNumberId: number;
  westsideNumberId: number;
  adminId: number;
  staffId: number;
};

/** The ids of the demo practice that `seed()` created. */
export async function demoIds(db = testDb()): Promise<DemoIds> {
  const org = await db.query.organizations.findFirst({ where: (o, { eq }) => eq(o.name, DEMO.practice) });
  const numbers = await db.query.clinicNumbers.findMany();
  const people = await db.query.users.findMany();
  const main = numbers.find((n) => n.e164 === DEMO.mainNumber);
  const westside = numbers.find((n) => n.e164 === DEMO.westsideNumber);
  const admin = people.find((u) => u.email === DEMO.admin.email);
  const staff = people.find((u) => u.email === DEMO.staff.email);
  if (!org || !main || !westside || !admin || !staff) throw new Error("run seed() first");
  return {
    orgId: org.id,
    mainNumberId: main.id,
    westsideNumberId: westside.id,
    adminId: admin.id,
    staffId: staff.id,
  };
}

/** The demo practice's id and its two numbers' ids, under the names route tests use. */
export async function demoNumbers() {
  const ids = await demoIds();
  return { orgId: ids.orgId, main: ids.mainNumberId, westside: ids.westsideNumberId };
}

export async function seedConversation(
  db: Db,
  orgId: number,
  numberId: number,
  phone: string,
  lastMessageAt: number,
) {
  const row = await db.run(
    sql`insert into conversations (org_id, number_id, phone, last_message_at, created_at)
        values (${orgId}, ${numberId}, ${phone}, ${lastMessageAt}, ${lastMessageAt})
        on conflict (number_id, phone) do update set last_message_at = max(last_message_at, excluded.last_message_at)
        returning id`,
  );
  const id = (row.results[0] as { id?: unknown } | undefined)?.id;
  if (typeof id !== "number") throw new Error("no conversation id");
  return id;
}

export type FixtureMessage = {
  body: string;
  createdAt: number;
  direction?: MessageDirection;
  kind?: MessageKind;
  authorUserId?: number | null;
};

/** The columns a fixture row sets, as the schema types them: a renamed column or status fails tsc here. */
type FixtureRow = Required<
  Pick<typeof messages.$inferInsert, "direction" | "kind" | "body" | "status" | "authorUserId" | "createdAt">
>;

/** Inserts messages into one conversation, in the order given (ids grow with the array). */
export async function seedMessages(
  db: Db,
  conv: { orgId: number; numberId: number; conversationId: number },
  rows: readonly FixtureMessage[],
) {
  const CHUNK = 2000;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const json = JSON.stringify(
      rows.slice(i, i + CHUNK).map(
        (r) =>
          ({
            direction: r.direction ?? "in",
            kind: r.kind ?? "reply",
            body: r.body,
            status: r.direction === "out" ? "delivered" : "received",
            authorUserId: r.authorUserId ?? null,
            createdAt: r.createdAt,
          }) satisfies FixtureRow,
      ),
    );
    await db.run(sql`
      insert into messages (org_id, number_id, conversation_id, direction, kind, body, status, carrier,
        segments, encoding, author_user_id, created_at)
      select ${conv.orgId}, ${conv.numberId}, ${conv.conversationId}, j.value ->> 'direction',
        j.value ->> 'kind', j.value ->> 'body', j.value ->> 'status', 'simulator', 1, 'GSM-7',
        j.value ->> 'authorUserId', j.value ->> 'createdAt'
      from json_each(${json}) as j order by j.key`);
  }
}

/** `count` messages, one every `stepMs` from `startAt`, alternating in and out. */
export function series(count: number, startAt: number, stepMs: number, label = "msg"): FixtureMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    body: `${label} ${i}`,
    createdAt: startAt + i * stepMs,
    direction: i % 2 === 0 ? "in" : "out",
  }));
}

export async function messageIds(db: Db, conversationId: number): Promise<number[]> {
  const rows = await db.query.messages.findMany({
    where: (m, { eq }) => eq(m.conversationId, conversationId),
    orderBy: (m, { asc }) => asc(m.id),
    columns: { id: true },
  });
  return rows.map((r) => r.id);
}

/** A conversation with `old` messages 40 days back (outside the 10-day demo window) and `recent` from yesterday. */
export async function seedHistory(
  db: Db,
  at: { orgId: number; numberId: number },
  phone: string,
  counts: { old: number; recent: number; now: number },
) {
  const { now } = counts;
  const conversationId = await seedConversation(db, at.orgId, at.numberId, phone, now - DAY_MS);
  const conv = { ...at, conversationId };
  await seedMessages(db, conv, series(counts.old, now - 40 * DAY_MS, 3_600_000, "old"));
  const oldIds = await messageIds(db, conversationId);
  await seedMessages(db, conv, series(counts.recent, now - DAY_MS, 60_000, "recent"));
  const recentIds = (await messageIds(db, conversationId)).filter((id) => !oldIds.includes(id));
  return { conversationId, oldIds, recentIds };
}

/** A conversation whose one message arrived at `at`, with its queue row (preview, read state) as the app sets it. */
export async function addConversation(opts: {
  orgId: number;
  numberId: number;
  phone: string;
  at: number;
  body?: string;
  unread?: boolean;
  direction?: "in" | "out";
}) {
  const db = testDb();
  const body = opts.body ?? "Hello from the fixture";
  const id = await seedConversation(db, opts.orgId, opts.numberId, opts.phone, opts.at);
  await db.run(
    sql`update conversations set last_message_preview = ${body}, unread = ${(opts.unread ?? true) ? 1 : 0} where id = ${id}`,
  );
  await seedMessages(db, { orgId: opts.orgId, numberId: opts.numberId, conversationId: id }, [
    { body, createdAt: opts.at, direction: opts.direction ?? "in" },
  ]);
  return { id };
}
