/**
 * @module SQL of reminders that expect an answer (columns of `messages`, see the schema): the outstanding
 * ones a patient's reply may answer, the family question's options, and writing a reply's reading (or a
 * staff correction of it) on the reply, its reminders and the conversation's Needs attention flag.
 */
import {
  and,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  notInArray,
  or,
  sql,
  type SQL,
} from "drizzle-orm";
import type { Db } from "../client";
import { conversations, messages, patients, type Message } from "../schema";
import {
  NEEDS_ATTENTION_INTENTS,
  type AppointmentIntent,
  type AppointmentReply,
} from "../../shared/reminders";
import { auditInsert } from "./audit";

/** A reminder is answerable this long after it was sent. */
export const REMINDER_ANSWER_WINDOW_MS = 7 * 86_400_000;
/** The family question offers at most 9 digits: 8 appointments and "all". */
export const MAX_FAMILY_OPTIONS = 8;

export type OutstandingReminder = {
  id: number;
  appointmentId: string;
  startsAt: number;
  label: string | null;
  externalId: string | null;
  /** The patient's first name, when the practice system named the recipient by externalId. */
  firstName: string | null;
};

/** A reminder a reply may still answer (outstandingReminders), of any conversation. */
function awaitingAnswer(now: number) {
  return and(
    eq(messages.direction, "out"),
    eq(messages.kind, "reminder"),
    eq(messages.appointmentExpects, "confirmation"),
    or(isNull(messages.appointmentResponse), eq(messages.appointmentResponse, "unknown")),
    gt(messages.appointmentStartsAt, now),
    gte(messages.createdAt, now - REMINDER_ANSWER_WINDOW_MS),
    notInArray(messages.status, ["failed", "undelivered", "cancelled"]),
    isNull(messages.sendAfter),
  );
}

/**
 * Whether a conversation (an SQL expression for its id) has a reminder a reply may answer: the inbound batch
 * reads it, so a patient's text costs the reading's round trip only when a reminder waits for an answer.
 */
export function remindersAwaiting(conversationId: SQL, now: number): SQL<number> {
  // Table-qualified by hand: drizzle writes a bare column in a select list without its table.
  return sql<number>`exists (select 1 from messages where messages.conversation_id = ${conversationId} and ${awaitingAnswer(now)})`;
}

/**
 * Reminders of this conversation a reply (message `replyId`) may answer: expecting confirmation, sent
 * before the reply within the last 7 days (not failed or withdrawn), the appointment still ahead, and not
 * answered yet (an `unknown` reading does not count as an answer). Soonest appointment first.
 */
export async function outstandingReminders(
  db: Db,
  conversationId: number,
  replyId: number,
  now: number,
): Promise<OutstandingReminder[]> {
  const rows = await db
    .select({
      id: messages.id,
      appointmentId: messages.appointmentId,
      startsAt: messages.appointmentStartsAt,
      label: messages.appointmentLabel,
      externalId: messages.appointmentExternalId,
      firstName: patients.firstName,
    })
    .from(messages)
    .leftJoin(
      patients,
      and(eq(patients.orgId, messages.orgId), eq(patients.externalId, messages.appointmentExternalId)),
    )
    .where(and(eq(messages.conversationId, conversationId), lt(messages.id, replyId), awaitingAnswer(now)))
    .orderBy(messages.appointmentStartsAt, messages.id)
    .limit(MAX_FAMILY_OPTIONS);
  return rows.flatMap((r) =>
    r.appointmentId === null || r.startsAt === null
      ? []
      : [
          {
            id: r.id,
            appointmentId: r.appointmentId,
            startsAt: r.startsAt,
            label: r.label,
            externalId: r.externalId,
            firstName: r.firstName?.trim().split(/\s+/)[0] ?? null,
          },
        ],
  );
}

/** The latest family question of this conversation before the reply, within the answer window. */
export async function latestFamilyQuestion(db: Db, conversationId: number, replyId: number, now: number) {
  const [row] = await db
    .select({ id: messages.id, options: messages.appointmentOptions })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        lt(messages.id, replyId),
        eq(messages.kind, "auto_reply"),
        isNotNull(messages.appointmentOptions),
        gte(messages.createdAt, now - REMINDER_ANSWER_WINDOW_MS),
      ),
    )
    .orderBy(desc(messages.id))
    .limit(1);
  return row?.options ? { id: row.id, options: row.options } : undefined;
}

/** Remembers what each digit of a family question stands for (reminder ids per option). */
export async function saveFamilyOptions(db: Db, questionId: number, options: number[][]) {
  await db.update(messages).set({ appointmentOptions: options }).where(eq(messages.id, questionId));
}

const needsAttention = (intent: AppointmentIntent | null) =>
  intent !== null && NEEDS_ATTENTION_INTENTS.some((i) => i === intent);

/**
 * Writes a reply's reading: the reminders still outstanding among `reminderIds` get the intent and the
 * reply as their response; the reply gets its reading (on the reminders actually answered); the
 * conversation needs attention when the intent asks for a person. Returns the reply as it now is and the
 * reminders it answered, or undefined when none was still outstanding (another reply answered first).
 */
export async function recordReading(
  db: Db,
  reading: { reply: Message; reminderIds: number[]; intent: AppointmentIntent; now: number },
) {
  const { reply, intent } = reading;
  if (reading.reminderIds.length === 0) return undefined;
  const answered = await db
    .update(messages)
    .set({
      appointmentResponse: intent,
      appointmentResponseMessageId: reply.id,
      appointmentResponseAt: reply.createdAt,
    })
    .where(
      and(
        inArray(messages.id, reading.reminderIds),
        eq(messages.conversationId, reply.conversationId),
        or(isNull(messages.appointmentResponse), eq(messages.appointmentResponse, "unknown")),
      ),
    )
    .returning();
  if (answered.length === 0) return undefined;
  const value: AppointmentReply = {
    intent,
    reminderMessageIds: answered.map((r) => r.id).sort((a, b) => a - b),
    correctedBy: null,
  };
  const [[updated]] = await db.batch([
    db.update(messages).set({ appointmentReply: value }).where(eq(messages.id, reply.id)).returning(),
    db
      .update(conversations)
      .set({ needsAttention: needsAttention(intent) })
      .where(eq(conversations.id, reply.conversationId)),
  ]);
  return { reply: updated ?? { ...reply, appointmentReply: value }, reminders: answered };
}

/**
 * Staff correct a reply's reading: its reminders (those whose response is still this reply) take the new
 * intent, or with `null` (not about the appointment) lose their response and are outstanding again. The
 * reply's reading, the conversation's Needs attention and an audit row change in the same transaction.
 */
export async function correctReading(
  db: Db,
  change: {
    reply: Message;
    reading: AppointmentReply;
    intent: AppointmentIntent | null;
    user: { id: number; name: string };
    now: number;
  },
) {
  const { reply, reading, intent, user, now } = change;
  const value: AppointmentReply | null =
    intent === null ? null : { ...reading, intent, correctedBy: user.name };
  const [reminders, [updated]] = await db.batch([
    db
      .update(messages)
      .set(
        intent === null
          ? { appointmentResponse: null, appointmentResponseMessageId: null, appointmentResponseAt: null }
          : { appointmentResponse: intent },
      )
      .where(
        and(
          inArray(messages.id, reading.reminderMessageIds.length > 0 ? reading.reminderMessageIds : [0]),
          eq(messages.conversationId, reply.conversationId),
          eq(messages.appointmentResponseMessageId, reply.id),
        ),
      )
      .returning(),
    db
      .update(messages)
      .set({ appointmentReply: value, updatedAt: sql`max(${messages.updatedAt}, ${now})` })
      .where(eq(messages.id, reply.id))
      .returning(),
    db
      .update(conversations)
      .set({ needsAttention: needsAttention(intent) })
      .where(eq(conversations.id, reply.conversationId)),
    auditInsert(
      db,
      {
        orgId: reply.orgId,
        userId: user.id,
        action: "appointment_reply.correct",
        targetType: "message",
        targetId: reply.id,
        detail: { from: reading.intent, to: intent ?? "not_about", reminders: reading.reminderMessageIds },
      },
      now,
    ),
  ]);
  return { reply: updated ?? reply, reminders };
}

/** The reminders with these ids (the reply's reading names them), for the webhook and the re-sent events. */
export async function remindersByIds(db: Db, ids: number[]) {
  if (ids.length === 0) return [];
  return db.select().from(messages).where(inArray(messages.id, ids));
}
