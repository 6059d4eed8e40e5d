/**
 * @module SQL of the living local demo (db/seed-demo.ts): whether the demo practice already has team data, and
 * the statements that store its conversations, notes, opt-out and quick replies in ONE D1 batch (one
 * transaction), so a demo lands whole or not at all. Rows refer to their conversation and to each other by
 * natural keys in sub-selects (number + phone, the note's kind), so no statement needs an id read back first.
 */
import { eq, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../client";
import {
  conversations,
  mentions,
  messages,
  optOutEvents,
  optOuts,
  quickReplies,
  type Carrier,
  type MessageDirection,
  type MessageKind,
  type MessageStatus,
} from "../schema";
import type { ConversationState } from "../../shared/team";
import { previewOf } from "../../shared/preview";
import { measureText } from "../../shared/segments";

export type DemoMessage = {
  direction: MessageDirection;
  kind: MessageKind;
  body: string;
  status: MessageStatus;
  authorUserId: number | null;
  createdAt: number;
};

export type DemoThread = {
  orgId: number;
  numberId: number;
  carrier: Carrier;
  phone: string;
  unread: boolean;
  state: ConversationState;
  snoozedUntil: number | null;
  assignedUserId: number | null;
  /** Oldest first. Internal rows (notes, event lines) do not move the conversation in the queue. */
  messages: DemoMessage[];
  /** The phone texted this keyword (one of `messages`, inbound) and is opted out of the number. */
  optOutKeyword?: string;
  /** Users @-mentioned by the thread's note. */
  mentionedUserIds?: number[];
};

export type DemoQuickReply = { name: string; body: string };

/** True when the practice already has a conversation or a quick reply: the living demo is seeded only once. */
export async function practiceHasTeamData(db: Db, orgId: number): Promise<boolean> {
  const row = await db.get<{ found: number }>(
    sql`select exists (select 1 from ${conversations} where ${conversations.orgId} = ${orgId})
      or exists (select 1 from ${quickReplies} where ${quickReplies.orgId} = ${orgId}) as found`,
  );
  return Boolean(row?.found);
}

function conversationIdOf(thread: DemoThread): SQL<number> {
  return sql<number>`(select ${conversations.id} from ${conversations}
    where ${conversations.numberId} = ${thread.numberId} and ${conversations.phone} = ${thread.phone})`;
}

function threadStatements(db: Db, thread: DemoThread) {
  const visible = thread.messages.filter((m) => m.direction !== "internal");
  const last = visible.at(-1) ?? thread.messages.at(-1);
  const first = thread.messages[0];
  if (!last || !first) throw new Error(`demo thread ${thread.phone} has no messages`);
  const conversationId = conversationIdOf(thread);
  const statements: BatchItem<"sqlite">[] = [
    db.insert(conversations).values({
      orgId: thread.orgId,
      numberId: thread.numberId,
      phone: thread.phone,
      lastMessageAt: last.createdAt,
      lastMessagePreview: previewOf(last.body),
      unread: thread.unread,
      state: thread.state,
      snoozedUntil: thread.snoozedUntil,
      assignedUserId: thread.assignedUserId,
      createdAt: first.createdAt,
    }),
    // One statement per message keeps each far below D1's 100 bound parameters.
    ...thread.messages.map((m) =>
      db.insert(messages).values({
        orgId: thread.orgId,
        numberId: thread.numberId,
        conversationId,
        direction: m.direction,
        kind: m.kind,
        body: m.body,
        status: m.status,
        carrier: thread.carrier,
        ...measureText(m.body),
        authorUserId: m.authorUserId,
        createdAt: m.createdAt,
        updatedAt: m.createdAt,
      }),
    ),
  ];
  const keyword = thread.optOutKeyword;
  const stop = keyword && thread.messages.find((m) => m.direction === "in" && m.body === keyword);
  if (keyword && stop) {
    statements.push(
      db.insert(optOuts).values({
        numberId: thread.numberId,
        phone: thread.phone,
        optedOut: true,
        keyword,
        changedAt: stop.createdAt,
      }),
      db.insert(optOutEvents).values({
        orgId: thread.orgId,
        numberId: thread.numberId,
        phone: thread.phone,
        optedOut: true,
        keyword,
        messageId: sql`(select max(${messages.id}) from ${messages}
          where ${messages.conversationId} = ${conversationId} and ${messages.direction} = 'in')`,
        createdAt: stop.createdAt,
      }),
    );
  }
  const note = thread.messages.find((m) => m.kind === "note");
  for (const userId of note ? (thread.mentionedUserIds ?? []) : []) {
    statements.push(
      db.insert(mentions).values({
        conversationId,
        userId,
        messageId: sql`(select max(${messages.id}) from ${messages}
          where ${messages.conversationId} = ${conversationId} and ${messages.kind} = 'note')`,
        createdAt: note?.createdAt ?? 0,
      }),
    );
  }
  return statements;
}

/** Every statement of the living demo, for one `db.batch` together with anything else the caller adds. */
export function livingDemoStatements(
  db: Db,
  input: {
    orgId: number;
    createdBy: number;
    threads: DemoThread[];
    quickReplies: DemoQuickReply[];
    now: number;
  },
) {
  return [
    ...input.threads.flatMap((thread) => threadStatements(db, thread)),
    ...input.quickReplies.map((q) =>
      db.insert(quickReplies).values({
        orgId: input.orgId,
        name: q.name,
        body: q.body,
        createdBy: input.createdBy,
        createdAt: input.now,
        updatedAt: input.now,
      }),
    ),
  ];
}

/** How many conversations a number has in each state: what the demo's tests check. */
export async function stateCounts(db: Db, numberId: number) {
  return db
    .select({ state: conversations.state, count: sql<number>`count(*)` })
    .from(conversations)
    .where(eq(conversations.numberId, numberId))
    .groupBy(conversations.state);
}
