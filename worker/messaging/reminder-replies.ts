/**
 * @module A patient's reply to a reminder that expected an answer (POST /api/v1/messages with `appointment`
 * and `expects: "confirmation"`), read once the text is stored (called from afterInboundLater):
 *
 * - No reminder outstanding on this conversation (answered, appointment past, sent over 7 days ago): an
 *   ordinary reply, nothing happens.
 * - A bare opt-out keyword (STOP, CANCEL) is an opt-out first (the inbound batch recorded it): the reminders'
 *   response is `opted_out` and an event line asks staff to call.
 * - Otherwise the pure rule (domain/reminder-reply.ts) reads it. On a family phone (two or more reminders
 *   outstanding) a bare confirm is answered once with the family question, and the digit, a name or "both"
 *   then says which; reschedule, cancel and not-understood apply to every outstanding reminder, for staff.
 *
 * A reading is stored on the reply and its reminders (db/queries/reminders.ts) and the reply's `message` event
 * is sent again, one per reminder, carrying `appointmentResponse`: screens update the chip by message id and
 * the practice webhook sends `appointment.response`. Nothing is sent to the patient but the family question,
 * which is conversational (an auto reply through the one send path: opt-out holds it, quiet hours do not).
 */
import type { Env } from "../env";
import type { Db } from "../db/client";
import { insertEventLine } from "../db/queries/conversations";
import { getConversation } from "../db/queries/queue";
import {
  correctReading,
  latestFamilyQuestion,
  outstandingReminders,
  recordReading,
  saveFamilyOptions,
  type OutstandingReminder,
} from "../db/queries/reminders";
import type { ClinicNumber, Message } from "../db/schema";
import type { KeywordMatch } from "../domain/keywords";
import { classifyReminderReply, familyQuestion } from "../domain/reminder-reply";
import { AppError } from "../lib/errors";
import type { LiveMessage } from "../shared/live-protocol";
import type { AppointmentCorrection, AppointmentIntent, AppointmentReply } from "../shared/reminders";
import { liveMessage, publishLive } from "./live";
import { sendText, type SendOptions } from "./send-text";

export type ReminderReplyInput = {
  db: Db;
  env: Env;
  number: ClinicNumber;
  message: Message;
  keyword: KeywordMatch | null;
  now: number;
  sendOptions?: SendOptions | undefined;
};

/** The thread's line when a reminder was answered with an opt-out keyword. */
export function optedOutLine(keyword: string): string {
  return `Replied ${keyword.toUpperCase()} to a reminder: this phone is now opted out. Call to confirm whether they meant the appointment.`;
}

/** Reads one stored inbound text against the conversation's outstanding reminders. May throw: the caller logs. */
export async function readReminderReply(input: ReminderReplyInput): Promise<void> {
  const { db, message, now } = input;
  if (message.direction !== "in") return;
  // HELP is a question to the clinic, not an answer; START ("yes" is one) is read like any other reply.
  if (input.keyword?.action === "help") return;
  const outstanding = await outstandingReminders(db, message.conversationId, message.id, now);
  if (outstanding.length === 0) return;
  const all = outstanding.map((r) => r.id);

  if (input.keyword?.action === "opt_out") {
    await apply(input, all, "opted_out");
    await addOptedOutLine(input, input.keyword.keyword);
    return;
  }

  const names = outstanding.map((r) => r.firstName ?? "");
  const read = classifyReminderReply(message.body, { options: outstanding.length, names });
  if (outstanding.length === 1) return apply(input, all, read.intent);

  const question = await latestFamilyQuestion(db, message.conversationId, message.id, now);
  const asked = question?.options.some((ids) => ids.some((id) => all.includes(id))) ?? false;
  if (read.digit !== null && question && asked) {
    const picked = (question.options[read.digit - 1] ?? []).filter((id) => all.includes(id));
    return apply(input, picked.length > 0 ? picked : all, picked.length > 0 ? "confirm" : "unknown");
  }
  const named = read.named.flatMap((i) => {
    const name = names[i]?.toLowerCase();
    return outstanding.filter((r) => r.firstName?.toLowerCase() === name).map((r) => r.id);
  });
  if (read.intent !== "unknown" && named.length > 0 && !read.everyone) {
    return apply(input, [...new Set(named)], read.intent);
  }
  if (read.intent === "confirm" && !read.everyone) {
    // Which one? Asked once; a second bare confirm after the question is for staff to read.
    if (asked) return apply(input, all, "unknown");
    return askWhich(input, outstanding);
  }
  return apply(input, all, read.intent);
}

/** Stores the reading and re-sends the reply's `message` event once per reminder it answered. */
async function apply(input: ReminderReplyInput, reminderIds: number[], intent: AppointmentIntent) {
  const { db, env, message, now } = input;
  const result = await recordReading(db, { reply: message, reminderIds, intent, now });
  if (!result) return;
  await publishAppointmentChange(env, db, result.reply, result.reminders, intent, null, now);
}

/** One `message` event per reminder, carrying how the reply now answers it (null: not about it any more). */
export async function publishAppointmentChange(
  env: Env,
  db: Db,
  reply: Message,
  reminders: Message[],
  intent: AppointmentIntent | null,
  correctedBy: string | null,
  now: number,
) {
  for (const reminder of reminders) {
    if (reminder.appointmentId === null) continue;
    await publishLive(
      env,
      db,
      {
        type: "message",
        numberId: reply.numberId,
        conversationId: reply.conversationId,
        message: liveMessage(reply),
        appointmentResponse: {
          reminderMessageId: reminder.id,
          appointmentId: reminder.appointmentId,
          externalId: reminder.appointmentExternalId,
          intent,
          correctedBy,
        },
      },
      now,
    );
  }
}

async function addOptedOutLine(input: ReminderReplyInput, keyword: string) {
  const { db, env, number, message, now } = input;
  const conversation = await getConversation(db, number.orgId, message.conversationId);
  if (!conversation) return;
  const line = await insertEventLine(db, {
    conversation,
    carrier: number.carrier,
    body: optedOutLine(keyword),
    authorUserId: null,
    action: "appointment.opted_out_reply",
    detail: { messageId: message.id, keyword },
    now,
  });
  await publishLive(
    env,
    db,
    { type: "message", numberId: number.id, conversationId: conversation.id, message: liveMessage(line) },
    now,
  );
}

/** The family question, once per reply (its idempotency key), with what each digit stands for. */
async function askWhich(input: ReminderReplyInput, outstanding: OutstandingReminder[]) {
  const { db, env, number, message } = input;
  const phone = (await getConversation(db, number.orgId, message.conversationId))?.phone;
  if (phone === undefined) return;
  const body = familyQuestion(
    outstanding.map((r) => ({ name: r.firstName ?? r.label, startsAt: r.startsAt })),
    number.timezone,
  );
  const options = [...outstanding.map((r) => [r.id]), outstanding.map((r) => r.id)];
  try {
    const sent = await sendText(
      {
        db,
        env,
        numberId: number.id,
        phone,
        body,
        kind: "auto_reply",
        authorUserId: null,
        idempotencyKey: `appointment-question:${message.id}`,
      },
      input.sendOptions,
    );
    await saveFamilyOptions(db, sent.id, options);
  } catch (error) {
    // Opted out since the reminder went: nothing may be sent, and the reply stays for staff to read.
    if (error instanceof AppError && error.code === "opted_out")
      return apply(
        input,
        outstanding.map((r) => r.id),
        "unknown",
      );
    throw error;
  }
}

/**
 * Staff correct a reply's reading (audited in the same transaction); the reply's event goes out again for
 * each reminder it was about, so screens and the practice webhook hear the corrected answer.
 */
export async function correctAppointmentReply(input: {
  db: Db;
  env: Env;
  reply: Message;
  reading: AppointmentReply;
  correction: AppointmentCorrection;
  user: { id: number; name: string };
  now: number;
}): Promise<LiveMessage> {
  const { db, env, now } = input;
  const intent = input.correction === "not_about" ? null : input.correction;
  const { reply, reminders } = await correctReading(db, { ...input, intent });
  await publishAppointmentChange(env, db, reply, reminders, intent, input.user.name, now);
  return liveMessage(reply);
}
