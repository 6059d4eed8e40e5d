import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { escapeLike, parseSearch, type Search } from "../../shared/search";
import { inJsonList } from "./chunked";
import { conversations, mentions, messages, optOuts, patients, users, type Conversation } from "../schema";
import type { QueueView } from "../../shared/team";

/** Keyset cursor for the queue order: newest activity first. */
export type QueueCursor = { lastMessageAt: number; id: number };

export type QueueFilter = {
  numberId: number;
  orgId: number;
  since: number;
  unreadOnly: boolean;
  /** Only conversations that need attention (conversations.needs_attention: a reply to a reminder). */
  attentionOnly?: boolean;
  /** Open is state open; mine is assigned to `userId` or @-mentioning them, not done; see viewCondition. */
  view: QueueView;
  userId: number;
  query: string;
  cursor: QueueCursor | undefined;
  limit: number;
};

/** At most this many matching patients widen a name search; enough for any real front-desk query. */
const NAME_MATCH_LIMIT = 80;

/**
 * Phones matching a search (worker/shared/search.ts reads the query, the web app matches live rows with the
 * same rule): digits match anywhere in the conversation's phone; words match the start of a patient's first
 * or last name (through the Rolodex's name indexes), which yields that patient's phones.
 */
async function searchCondition(db: Db, orgId: number, search: Search): Promise<SQL | undefined> {
  if (search.kind === "all") return undefined;
  if (search.kind === "none") return sql`0`;
  if (search.kind === "digits") return sql`${conversations.phone} LIKE ${`%${search.digits}%`}`;
  const { words } = search;
  const prefixOf = (w: string) => `${escapeLike(w)}%`;
  const nameConditions = words.map((w) => {
    const prefix = prefixOf(w);
    return sql`(${patients.firstName} LIKE ${prefix} ESCAPE '\\' OR ${patients.lastName} LIKE ${prefix} ESCAPE '\\')`;
  });
  // SQLite cannot use two indexes for one OR, so "first LIKE w OR last LIKE w" walked every patient of the
  // practice. The longest word finds candidates through each name index separately (a UNION ALL of two
  // index range searches, bench/queue.ts prints the plan); every word is then checked on those rows only.
  const lead = prefixOf(words.reduce((a, b) => (b.length > a.length ? b : a)));
  const candidates = db
    .select({ id: patients.id })
    .from(patients)
    .where(and(eq(patients.orgId, orgId), sql`${patients.firstName} LIKE ${lead} ESCAPE '\\'`))
    .unionAll(
      db
        .select({ id: patients.id })
        .from(patients)
        .where(and(eq(patients.orgId, orgId), sql`${patients.lastName} LIKE ${lead} ESCAPE '\\'`)),
    );
  const matches = await db
    .selectDistinct({ phone: patients.phone })
    .from(patients)
    .where(and(inArray(patients.id, candidates), ...nameConditions))
    .limit(NAME_MATCH_LIMIT);
  if (matches.length === 0) return sql`0`;
  // At most NAME_MATCH_LIMIT (80) phones: with listQueue's other parameters (9 at most) the statement stays
  // under D1's 100, and a literal IN list keeps the (number_id, phone) index plan bench/queue.ts measures.
  return inArray(
    conversations.phone,
    matches.map((m) => m.phone),
  );
}

/**
 * The queue view as a condition. States are SQL literals, not bound parameters: with a name search's 80
 * phones and listQueue's other parameters the statement must stay under D1's 100 (mine adds two: the user id
 * twice).
 */
function viewCondition(view: QueueView, userId: number): SQL {
  switch (view) {
    case "open":
      return sql`${conversations.state} = 'open'`;
    case "unassigned":
      return sql`${conversations.state} = 'open' and ${conversations.assignedUserId} is null`;
    case "snoozed":
      return sql`${conversations.state} = 'snoozed'`;
    case "done":
      return sql`${conversations.state} = 'done'`;
    case "mine":
      // An @-mention (another part of the team inbox writes `mentions`) puts it on my list as assigning does.
      return sql`${conversations.state} <> 'done' and (${conversations.assignedUserId} = ${userId} or exists (select 1 from ${mentions} where ${mentions.conversationId} = ${conversations.id} and ${mentions.userId} = ${userId}))`;
  }
}

/** One page of a clinic number's queue: conversations with activity inside the window, in one view. */
export async function listQueue(db: Db, f: QueueFilter) {
  const parsed = parseSearch(f.query);
  const search = await searchCondition(db, f.orgId, parsed);
  // A name search ends in "phone IN (a few phones)": those are exact lookups in the (number_id, phone)
  // index, then a small sort. Left alone, SQLite prefers walking the window in time order to skip the sort,
  // reading every conversation of the window (10,000 rows in bench/queue.ts); the unary + takes
  // last_message_at out of the index choice for this case only.
  const byPhone = parsed.kind === "names";
  const lastAt = byPhone ? sql`+${conversations.lastMessageAt}` : conversations.lastMessageAt;
  const conditions: (SQL | undefined)[] = [
    eq(conversations.numberId, f.numberId),
    byPhone ? sql`${lastAt} >= ${f.since}` : gte(conversations.lastMessageAt, f.since),
    f.unreadOnly ? eq(conversations.unread, true) : undefined,
    // A literal, like the views: no bound parameter, and the partial index's WHERE matches it.
    f.attentionOnly ? sql`${conversations.needsAttention} = 1` : undefined,
    viewCondition(f.view, f.userId),
    search,
    f.cursor
      ? or(
          lt(conversations.lastMessageAt, f.cursor.lastMessageAt),
          and(eq(conversations.lastMessageAt, f.cursor.lastMessageAt), lt(conversations.id, f.cursor.id)),
        )
      : undefined,
  ];
  const rows = await db
    .select()
    .from(conversations)
    .where(and(...conditions))
    .orderBy(desc(lastAt), desc(conversations.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > f.limit && last ? { lastMessageAt: last.lastMessageAt, id: last.id } : null;
  return { conversations: await withPeople(db, f.orgId, page), nextCursor };
}

/**
 * Adds who is texting (every patient on that phone: a family may share one) and the opt-out state. A page
 * holds up to 100 phones, past D1's 100 bound parameters as an IN list, so the lists go in as JSON.
 */
export async function withPeople(db: Db, orgId: number, rows: Conversation[]) {
  if (rows.length === 0) return [];
  const phones = [...new Set(rows.map((r) => r.phone))];
  const numberIds = [...new Set(rows.map((r) => r.numberId))];
  const assigneeIds = [
    ...new Set(rows.flatMap((r) => (r.assignedUserId === null ? [] : [r.assignedUserId]))),
  ];
  const [people, optedOut, assignees] = await Promise.all([
    db
      .select({
        id: patients.id,
        firstName: patients.firstName,
        lastName: patients.lastName,
        phone: patients.phone,
      })
      .from(patients)
      .where(and(eq(patients.orgId, orgId), inJsonList(patients.phone, phones))),
    db
      .select()
      .from(optOuts)
      .where(
        and(
          inJsonList(optOuts.numberId, numberIds),
          inJsonList(optOuts.phone, phones),
          eq(optOuts.optedOut, true),
        ),
      ),
    assigneeIds.length === 0
      ? Promise.resolve([])
      : db
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(and(eq(users.orgId, orgId), inJsonList(users.id, assigneeIds))),
  ]);
  return rows.map((r) => {
    const optOut = optedOut.find((o) => o.numberId === r.numberId && o.phone === r.phone);
    return {
      ...r,
      patients: people
        .filter((p) => p.phone === r.phone)
        .map(({ id, firstName, lastName }) => ({ id, firstName, lastName })),
      optedOutAt: optOut ? optOut.changedAt : null,
      /** Who has it, by name, for the queue row and the Assigned to control. */
      assignedName: assignees.find((u) => u.id === r.assignedUserId)?.name ?? null,
    };
  });
}

export async function getConversation(db: Db, orgId: number, id: number) {
  return db.query.conversations.findFirst({
    where: and(eq(conversations.id, id), eq(conversations.orgId, orgId)),
  });
}

export async function findConversationByPhone(db: Db, numberId: number, phone: string) {
  return db.query.conversations.findFirst({
    where: and(eq(conversations.numberId, numberId), eq(conversations.phone, phone)),
  });
}

/** A thread page, newest first by id (the caller reverses it for display); keyset on id. */
export async function listThread(db: Db, conversationId: number, before: number | undefined, limit: number) {
  const rows = await db
    .select({ message: messages, authorName: users.name })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .where(
      before === undefined
        ? eq(messages.conversationId, conversationId)
        : and(eq(messages.conversationId, conversationId), lt(messages.id, before)),
    )
    .orderBy(desc(messages.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { messages: page, hasMore: rows.length > limit };
}

/** Returns true when the flag actually changed, so only real changes are announced live. */
export async function setUnread(db: Db, conversationId: number, unread: boolean) {
  const result = await db
    .update(conversations)
    .set({ unread })
    .where(and(eq(conversations.id, conversationId), eq(conversations.unread, !unread)))
    .returning({ id: conversations.id });
  return result.length > 0;
}

/** Unread conversations inside the window, per clinic number: the drop-down's counts and the red icon. */
export async function unreadCounts(db: Db, numberIds: number[], since: number) {
  if (numberIds.length === 0) return [];
  return db
    .select({ numberId: conversations.numberId, unread: sql<number>`count(*)` })
    .from(conversations)
    .where(
      and(
        inJsonList(conversations.numberId, numberIds),
        eq(conversations.unread, true),
        gte(conversations.lastMessageAt, since),
      ),
    )
    .groupBy(conversations.numberId);
}

export async function getMessageInConversation(db: Db, conversationId: number, id: number) {
  return db.query.messages.findFirst({
    where: and(eq(messages.id, id), eq(messages.conversationId, conversationId)),
  });
}
