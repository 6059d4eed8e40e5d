import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { Env, StaffEnv } from "../env";
import type { Db } from "../db/client";
import { findVisibleNumber, listVisibleNumbers, type Viewer } from "../db/queries/numbers";
import {
  findConversationByPhone,
  getConversation,
  listQueue,
  listThread,
  setUnread,
  unreadCounts,
  withPeople,
  type QueueCursor,
} from "../db/queries/queue";
import type { Conversation } from "../db/schema";
import { formatPhone } from "../shared/phone";
import { QUEUE_VIEWS, type QueueView } from "../shared/team";
import { listOptOutEvents } from "../db/queries/opt-outs";
import { listOptOutReviews } from "../db/queries/opt-out-reviews";
import { badRequest, notFound } from "../lib/errors";
import { idParam, pageLimit, phoneSchema, searchText } from "../lib/schemas";
import { validate } from "../lib/validate";
import { limitBody } from "../middleware/body-limit";
import { viewerOf, type Session } from "../middleware/session";
import { mediaByMessage } from "../db/queries/media";
import { staffMediaUrl, toMessageMedia } from "../messaging/media";
import { liveMessage, publishLive } from "../messaging/live";

const DAY_MS = 86_400_000;

/** A page of the list when the caller names no size (the first screen's bootstrap always uses it). */
export const PAGE_SIZE = 50;
const pageFields = {
  cursor: z.string().max(200).optional(),
  limit: pageLimit(100, PAGE_SIZE),
};
/** The unsearched list: the URL carries only flags, the opaque cursor and the size. */
const listQuery = z.strictObject({
  unread: z.enum(["true", "false"]).default("false"),
  /** Only conversations whose reply to a reminder needs a person (reschedule, cancel, not understood, opted out). */
  attention: z.enum(["true", "false"]).default("false"),
  view: z.enum(QUEUE_VIEWS).default("open"),
  ...pageFields,
});
/** A search names a patient or a phone, so it travels in the body: Workers Logs record every URL. */
const searchBody = z.strictObject({
  q: searchText,
  unread: z.boolean().default(false),
  needsAttention: z.boolean().default(false),
  view: z.enum(QUEUE_VIEWS).default("open"),
  ...pageFields,
});
const threadQuery = z.strictObject({
  before: z.coerce.number().int().positive().optional(),
  limit: pageLimit(200, 100),
});
const numberParam = z.strictObject({ numberId: z.coerce.number().int().positive() });
const phoneBody = z.strictObject({ phone: phoneSchema });

function windowStart(session: Session, now = Date.now()) {
  return now - session.org.queueWindowDays * DAY_MS;
}

function decodeCursor(raw: string | undefined): QueueCursor | undefined {
  if (!raw) return undefined;
  const match = /^(\d+)\.(\d+)$/.exec(raw);
  if (!match) throw badRequest("cursor: is not a cursor this API returned");
  return { lastMessageAt: Number(match[1]), id: Number(match[2]) };
}

/** Unread conversations in the window per number (GET /summary, and the first screen's bootstrap). */
export async function unreadSummary(db: Db, session: Session, numbers: readonly { id: number }[]) {
  const counts = await unreadCounts(
    db,
    numbers.map((n) => n.id),
    windowStart(session),
  );
  return {
    windowDays: session.org.queueWindowDays,
    numbers: numbers.map((n) => ({
      numberId: n.id,
      unread: counts.find((x) => x.numberId === n.id)?.unread ?? 0,
    })),
  };
}

/** One page of a number's queue, searched or not (the list routes, and the first screen's bootstrap). */
export async function queuePage(
  db: Db,
  session: Session,
  numberId: number,
  input: {
    q: string;
    unreadOnly: boolean;
    attentionOnly: boolean;
    view: QueueView;
    cursor: string | undefined;
    limit: number;
  },
) {
  const number = await findVisibleNumber(db, viewerOf(session), numberId);
  if (!number) throw notFound("Clinic number");
  const page = await listQueue(db, {
    numberId: number.id,
    orgId: session.org.id,
    since: windowStart(session),
    unreadOnly: input.unreadOnly,
    attentionOnly: input.attentionOnly,
    view: input.view,
    userId: session.user.id,
    query: input.q,
    cursor: decodeCursor(input.cursor),
    limit: input.limit,
  });
  const next = page.nextCursor ? `${page.nextCursor.lastMessageAt}.${page.nextCursor.id}` : null;
  return { conversations: page.conversations.map(toRow), nextCursor: next };
}

type WithPeople = Awaited<ReturnType<typeof withPeople>>[number];
export function toRow(c: WithPeople) {
  return { ...c, phoneDisplay: formatPhone(c.phone) };
}

/** A conversation the caller may see (their practice, a number visible to them), else 404. */
export async function visibleConversation(db: Db, viewer: Viewer, id: number): Promise<Conversation> {
  const conversation = await getConversation(db, viewer.orgId, id);
  if (!conversation || !(await findVisibleNumber(db, viewer, conversation.numberId))) {
    throw notFound("Conversation");
  }
  return conversation;
}

/** The queue: per-number lists within the practice's window, unread counts. */
export const queueRoutes = new Hono<StaffEnv>()
  .get(
    "/summary",
    describeRoute({
      tags: ["queue"],
      summary: "Unread conversations per visible clinic number, within the window",
    }),
    async (c) => {
      const session = c.get("session");
      const numbers = await listVisibleNumbers(c.get("db"), viewerOf(session));
      return c.json(await unreadSummary(c.get("db"), session, numbers), 200);
    },
  )
  .get(
    "/numbers/:numberId/conversations",
    describeRoute({
      tags: ["queue"],
      summary:
        "A clinic number's conversations in the window, newest first, in a view (open, mine, unassigned, snoozed, done; unread only; needs attention only; to search, POST …/search)",
      description:
        "attention=true keeps the conversations whose latest reply to a reminder was read as reschedule, " +
        "cancel, not understood or an opt-out and that no staff text or Done has answered since; every row " +
        "carries `needsAttention`.",
    }),
    validate("param", numberParam),
    validate("query", listQuery),
    async (c) => {
      const q = c.req.valid("query");
      const input = {
        q: "",
        unreadOnly: q.unread === "true",
        attentionOnly: q.attention === "true",
        view: q.view,
        cursor: q.cursor,
        limit: q.limit,
      };
      return c.json(
        await queuePage(c.get("db"), c.get("session"), c.req.valid("param").numberId, input),
        200,
      );
    },
  )
  .post(
    "/numbers/:numberId/conversations/search",
    describeRoute({
      tags: ["queue"],
      summary: "Search a clinic number's conversations in the window by name or phone, newest first",
      description: "The search is in the body, not the URL, so no name or phone reaches a log.",
    }),
    limitBody(4 * 1024),
    validate("param", numberParam),
    validate("json", searchBody),
    async (c) => {
      const { q, unread, needsAttention, view, cursor, limit } = c.req.valid("json");
      const input = { q, unreadOnly: unread, attentionOnly: needsAttention, view, cursor, limit };
      return c.json(
        await queuePage(c.get("db"), c.get("session"), c.req.valid("param").numberId, input),
        200,
      );
    },
  )
  .post(
    "/numbers/:numberId/conversations/by-phone",
    describeRoute({
      tags: ["queue"],
      summary: "The conversation with a phone on a number, if any (Rolodex start; the phone is in the body)",
    }),
    limitBody(1024),
    validate("param", numberParam),
    validate("json", phoneBody),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const number = await findVisibleNumber(db, viewerOf(session), c.req.valid("param").numberId);
      if (!number) throw notFound("Clinic number");
      const found = await findConversationByPhone(db, number.id, c.req.valid("json").phone);
      const [row] = found ? await withPeople(db, session.org.id, [found]) : [];
      return c.json({ conversation: row ? toRow(row) : null }, 200);
    },
  );

/** One conversation: its thread and the shared read state. */
export const conversationRoutes = new Hono<StaffEnv>()
  .get(
    "/:id",
    describeRoute({
      tags: ["queue"],
      summary:
        "A conversation with who is texting, the opt-out state, its opt-out history and the texts that may be opt-outs",
    }),
    validate("param", idParam),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const conversation = await visibleConversation(db, viewerOf(session), c.req.valid("param").id);
      const [[row], history, reviews] = await Promise.all([
        withPeople(db, session.org.id, [conversation]),
        listOptOutEvents(db, conversation.numberId, conversation.phone),
        listOptOutReviews(db, conversation.numberId, conversation.phone),
      ]);
      if (!row) throw notFound("Conversation");
      // Every opt-out and opt-in, oldest first, so the thread can show when and how each happened.
      const optOutHistory = history
        .map((e) => ({ optedOut: e.optedOut, keyword: e.keyword, messageId: e.messageId, at: e.createdAt }))
        .reverse();
      // Texts that may be opt-outs, oldest first: undecided ones (decision null) hold campaigns to the phone.
      const optOutReviews = reviews.map(({ review: r, decidedByName }) => ({
        messageId: r.messageId,
        keyword: r.keyword,
        at: r.createdAt,
        decision: r.decision,
        decidedBy: r.decision === null ? null : (decidedByName ?? "A former user"),
        decidedAt: r.decidedAt,
      }));
      return c.json({ conversation: toRow(row), optOutHistory, optOutReviews }, 200);
    },
  )
  .get(
    "/:id/messages",
    describeRoute({ tags: ["queue"], summary: "The thread, newest first, keyset by message id" }),
    validate("param", idParam),
    validate("query", threadQuery),
    async (c) => {
      const db = c.get("db");
      const conversation = await visibleConversation(db, viewerOf(c.get("session")), c.req.valid("param").id);
      const { before, limit } = c.req.valid("query");
      const page = await listThread(db, conversation.id, before, limit);
      // Photos and files (issue 14): one query for the page, `[]` for a message without any.
      const media = await mediaByMessage(
        db,
        page.messages.map((r) => r.message.id),
      );
      const view = (r: (typeof page.messages)[number]) =>
        liveMessage(
          r.message,
          r.authorName,
          (media.get(r.message.id) ?? []).map((m) => toMessageMedia(m, staffMediaUrl)),
        );
      return c.json({ messages: page.messages.map(view), hasMore: page.hasMore }, 200);
    },
  )
  .post(
    "/:id/read",
    describeRoute({ tags: ["queue"], summary: "Mark read for everyone (opening a conversation does this)" }),
    validate("param", idParam),
    async (c) =>
      markRead(c.get("db"), c.env, c.get("session"), c.req.valid("param").id, false).then((r) =>
        c.json(r, 200),
      ),
  )
  .post(
    "/:id/unread",
    describeRoute({ tags: ["queue"], summary: "Mark unread for everyone" }),
    validate("param", idParam),
    async (c) =>
      markRead(c.get("db"), c.env, c.get("session"), c.req.valid("param").id, true).then((r) =>
        c.json(r, 200),
      ),
  );

async function markRead(db: Db, env: Env, session: Session, id: number, unread: boolean) {
  const conversation = await visibleConversation(db, viewerOf(session), id);
  if (await setUnread(db, conversation.id, unread)) {
    await publishLive(env, db, {
      type: "read_state",
      numberId: conversation.numberId,
      conversationId: id,
      unread,
    });
  }
  return { id, unread };
}
