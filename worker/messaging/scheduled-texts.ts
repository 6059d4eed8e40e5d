/**
 * @module Send later: a staff reply stored `queued` with its time (`send_after`), sent by the clinic
 * number's alarm through the drain (outbound-drain.ts: opt-out checked at send time, claimed once, then
 * deliverStored, the second half of the one send path). Editing and cancelling work while it still waits;
 * a patient's text withdraws the conversation's cancel-on-reply texts with an event line in the thread.
 *
 * Never sent twice: the claim, the edit, the cancel and the patient's withdrawal are each one conditional
 * UPDATE on "still waiting" (db/queries/scheduled.ts), so exactly one of them wins, and a claimed text has
 * no `send_after` left for a later alarm (after an eviction, a retry) to pick up.
 */
import type { Env } from "../env";
import type { Db } from "../db/client";
import { findNumberById } from "../db/queries/numbers";
import { getOptOut } from "../db/queries/opt-outs";
import {
  cancelOnPatientReply,
  cancelScheduled,
  getScheduledInConversation,
  insertScheduled,
  updateScheduled,
  type ScheduledChange,
} from "../db/queries/scheduled";
import type { ClinicNumber, Conversation, Message } from "../db/schema";
import { resolvePreset } from "../domain/time-presets";
import { localInstant } from "../domain/zoned-time";
import { badRequest, notFound } from "../lib/errors";
import type { Session } from "../lib/principals";
import { measureText } from "../shared/segments";
import type { TimePreset } from "../shared/team";
import { liveMessage, publishMessage, publishStatus } from "./live";
import { scheduleDrain } from "./outbound-drain";
import { optedOutError } from "./send-text";

/** The furthest ahead a text may be scheduled, as for snooze. */
export const SEND_LATER_MAX_DAYS = 90;
const DAY_MS = 86_400_000;

/** The event line a patient's text leaves where it withdrew a scheduled text. */
export const PATIENT_TEXTED_FIRST = "Scheduled text cancelled: the patient texted first";

export type SendLater = {
  sendAt?: number | undefined;
  preset?: TimePreset | undefined;
  /** "YYYY-MM-DDTHH:MM" on the number's wall clock. */
  sendAtLocal?: string | undefined;
};

/** Whether a reply's body asks for send-later (a time or a preset). */
export function wantsSendLater(input: SendLater): boolean {
  return input.sendAt !== undefined || input.preset !== undefined || input.sendAtLocal !== undefined;
}

/** The instant a send-later request means, refused precisely (400) when it is in the past or too far. */
export function sendTimeOf(number: ClinicNumber, input: SendLater, now: number): number {
  const given = [input.sendAt, input.preset, input.sendAtLocal].filter((v) => v !== undefined);
  if (given.length > 1) {
    throw badRequest("Give one of sendAt, sendAtLocal or preset, not several.", "invalid_input");
  }
  const at =
    input.preset !== undefined
      ? resolvePreset(input.preset, { now, timeZone: number.timezone, officeHours: number.officeHours })
      : input.sendAtLocal !== undefined
        ? wallInstant(input.sendAtLocal, number.timezone)
        : (input.sendAt ?? now);
  if (at <= now) throw badRequest("sendAt: is in the past; pick a time after now.", "send_at_past");
  if (at > now + SEND_LATER_MAX_DAYS * DAY_MS) {
    throw badRequest(
      `sendAt: is more than ${SEND_LATER_MAX_DAYS} days ahead; pick an earlier time.`,
      "send_at_too_far",
    );
  }
  return at;
}

/** The instant "YYYY-MM-DDTHH:MM" shows on the wall clock of `timeZone`. */
function wallInstant(local: string, timeZone: string): number {
  const [date = "", time = ""] = local.split("T");
  const [year = 0, month = 1, day = 1] = date.split("-").map(Number);
  const [hour = 0, minute = 0] = time.split(":").map(Number);
  return localInstant(year, month, day, hour * 60 + minute, timeZone);
}

/** The number of a conversation the caller has already been allowed to see. */
async function numberOf(db: Db, conversation: Conversation) {
  const number = await findNumberById(db, conversation.numberId);
  if (!number) throw notFound("Clinic number");
  return number;
}

/**
 * Stores a send-later reply (refused like any send when the phone opted out) and arms the number's alarm
 * for its time. A repeat of the idempotency key returns the earlier text (`created: false`).
 */
export async function scheduleReply(
  input: {
    db: Db;
    env: Env;
    session: Session;
    conversation: Conversation;
    body: string;
    idempotencyKey: string;
    sendLater: SendLater;
    cancelOnReply: boolean;
  },
  now = Date.now(),
) {
  const { db, env, session, conversation } = input;
  const number = await numberOf(db, conversation);
  const sendAfter = sendTimeOf(number, input.sendLater, now);
  const optOut = await getOptOut(db, number.id, conversation.phone);
  if (optOut?.optedOut) throw optedOutError(number, optOut.changedAt);
  const { message, created } = await insertScheduled(db, {
    number,
    conversationId: conversation.id,
    body: input.body,
    ...measureText(input.body),
    authorUserId: session.user.id,
    idempotencyKey: input.idempotencyKey,
    sendAfter,
    cancelOnReply: input.cancelOnReply,
    now,
  });
  if (created) await publishMessage(env, db, message);
  // Armed on a repeat too: the first request may have stored the row and died before it set the alarm.
  if (message.status === "queued" && message.sendAfter !== null) {
    await scheduleDrain(env, number.id, message.sendAfter);
  }
  return { message: liveMessage(message, session.user.name), created };
}

export type ScheduledOutcome =
  | { ok: true; message: ReturnType<typeof liveMessage> }
  /** It no longer waits: sent (or on its way, or failed) or cancelled. `message` is how it stands. */
  | { ok: false; message: Message };

async function scheduledOf(db: Db, conversation: Conversation, id: number) {
  const message = await getScheduledInConversation(db, conversation.id, id);
  // Only staff send-later texts: the practice system's queued reminders are not the front desk's to edit.
  if (!message || message.authorUserId === null || message.kind !== "reply") throw notFound("Scheduled text");
  return message;
}

/** Edits a waiting text's body, time or cancel-on-reply; a text that no longer waits is not changed. */
export async function editScheduledText(
  input: {
    db: Db;
    env: Env;
    session: Session;
    conversation: Conversation;
    id: number;
    body?: string | undefined;
    sendLater: SendLater;
    cancelOnReply?: boolean | undefined;
  },
  now = Date.now(),
): Promise<ScheduledOutcome> {
  const { db, env, session, conversation } = input;
  const current = await scheduledOf(db, conversation, input.id);
  if (current.status !== "queued" || current.sendAfter === null) return { ok: false, message: current };
  const number = await numberOf(db, conversation);
  const change: ScheduledChange = {};
  if (input.body !== undefined) change.body = { text: input.body, ...measureText(input.body) };
  if (wantsSendLater(input.sendLater)) change.sendAfter = sendTimeOf(number, input.sendLater, now);
  if (input.cancelOnReply !== undefined) change.cancelOnReply = input.cancelOnReply;
  const updated = await updateScheduled(
    db,
    { id: current.id, orgId: session.org.id, userId: session.user.id },
    change,
    now,
  );
  if (!updated) return { ok: false, message: await scheduledOf(db, conversation, input.id) };
  // A "message" event with the same id: screens replace the bubble (body, time) in place.
  await publishMessage(env, db, updated);
  if (updated.sendAfter !== null) await scheduleDrain(env, number.id, updated.sendAfter);
  return { ok: true, message: liveMessage(updated, session.user.name) };
}

/** Withdraws a waiting text (status `cancelled`); a text that already went is left as it is. */
export async function cancelScheduledText(
  input: { db: Db; env: Env; session: Session; conversation: Conversation; id: number },
  now = Date.now(),
): Promise<ScheduledOutcome> {
  const { db, env, session, conversation } = input;
  const current = await scheduledOf(db, conversation, input.id);
  if (current.status !== "queued" || current.sendAfter === null) return { ok: false, message: current };
  const cancelled = await cancelScheduled(
    db,
    { id: current.id, orgId: session.org.id, userId: session.user.id, reason: "staff" },
    now,
  );
  if (!cancelled) return { ok: false, message: await scheduledOf(db, conversation, input.id) };
  await publishStatus(env, db, cancelled);
  const authorName = cancelled.authorUserId === session.user.id ? session.user.name : null;
  return { ok: true, message: liveMessage(cancelled, authorName) };
}

/**
 * The patient texted: their conversation's waiting cancel-on-reply texts are withdrawn, each with an event
 * line, and screens are told (the text's status, then the line). Texts without cancel-on-reply still go.
 */
export async function withdrawOnPatientText(
  input: { db: Db; env: Env; conversationId: number },
  now = Date.now(),
): Promise<number> {
  const { db, env } = input;
  const { cancelled, events } = await cancelOnPatientReply(
    db,
    input.conversationId,
    PATIENT_TEXTED_FIRST,
    now,
  );
  for (const message of cancelled) await publishStatus(env, db, message);
  for (const line of events) await publishMessage(env, db, line);
  return cancelled.length;
}
