/**
 * @module A conversation's team state: who has it (assignment) and whether it is open, done or snoozed.
 * Every change is one guarded UPDATE (so two racing changes cannot both apply), then an event line in the
 * thread with its audit row, then two live events: the line (`message`) and the new state (`conversation`).
 * The guarded update comes first and alone: if a later step fails, the state is still right and a screen
 * catches up on reload; the reverse order could show a line for a change that lost its race.
 *
 * Who changes it: staff (the routes), a staff reply (assigns an unassigned conversation to the sender), a
 * patient's text (reopens a done or snoozed one) and the number's alarm (a snooze that ended,
 * number-alarm.ts), which is why snoozing makes sure that alarm rings by then.
 */
import type { Env } from "../env";
import type { Db } from "../db/client";
import {
  dueSnoozes,
  findAssignableUser,
  insertEventLine,
  isClosed,
  isSnoozedBy,
  isUnassigned,
  nextSnoozeAt,
  numbersWithOverdueSnoozes,
  unchangedSince,
  updateTeamState,
  type TeamState,
} from "../db/queries/conversations";
import { findNumberById } from "../db/queries/numbers";
import { getConversation } from "../db/queries/queue";
import { getUserName } from "../db/queries/users";
import type { ClinicNumber, Conversation } from "../db/schema";
import { resolvePreset } from "../domain/time-presets";
import { badRequest, describeError, notFound } from "../lib/errors";
import type { ConversationChange } from "../shared/live-protocol";
import { SNOOZE_MAX_DAYS, type TimePreset } from "../shared/team";
import { hubFor } from "./hub";
import { liveMessage, publishLive } from "./live";

const DAY_MS = 86_400_000;
/** Snoozes woken per alarm run; more due ones make the alarm ring again at once. */
export const SNOOZE_WAKE_BATCH = 50;

/** Who made a change: a signed-in user, or null for the system (a patient's text, a snooze ending). */
export type Actor = { id: number; name: string } | null;

export type StateInput =
  { state: "open" | "done" } | { state: "snoozed"; preset: TimePreset } | { state: "snoozed"; until: number };

type Ctx = { db: Db; env: Pick<Env, "CLINIC_NUMBER_HUB">; now: number };

/** "Tue 8:00 AM" within the coming week, else "Dec 8, 8:00 AM", on the number's wall clock. */
export function snoozeLabel(at: number, timeZone: string, now: number): string {
  const soon = at - now < 6 * DAY_MS;
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    ...(soon ? { weekday: "short" } : { month: "short", day: "numeric" }),
    hour: "numeric",
    minute: "2-digit",
  }).format(at);
}

/** The snooze's end as an instant: a preset on the number's clock, or a time the user picked (checked). */
export function snoozeUntil(number: ClinicNumber, input: StateInput & { state: "snoozed" }, now: number) {
  const until =
    "preset" in input
      ? resolvePreset(input.preset, { now, timeZone: number.timezone, officeHours: number.officeHours })
      : input.until;
  if (until <= now) throw badRequest("until: the snooze must end in the future.", "snooze_in_past");
  if (until > now + SNOOZE_MAX_DAYS * DAY_MS) {
    throw badRequest(`until: a snooze may last ${SNOOZE_MAX_DAYS} days at most.`, "snooze_too_long");
  }
  return until;
}

/**
 * The event line, the audit row and the live events of one applied change. Publishing is best effort
 * (publishLive logs a failed fan-out; every screen catches up from D1 when it reconnects).
 */
async function announce(
  ctx: Ctx,
  after: Conversation,
  change: {
    kind: ConversationChange;
    body: string;
    actor: Actor;
    action: string;
    carrier: ClinicNumber["carrier"];
  },
) {
  const { db, env, now } = ctx;
  const line = await insertEventLine(db, {
    conversation: after,
    carrier: change.carrier,
    body: change.body,
    authorUserId: change.actor?.id ?? null,
    action: change.action,
    detail: {
      state: after.state,
      snoozedUntil: after.snoozedUntil,
      assignedUserId: after.assignedUserId,
    },
    now,
  });
  const assignedName = after.assignedUserId === null ? null : await getUserName(db, after.assignedUserId);
  await publishLive(
    env,
    db,
    {
      type: "message",
      numberId: after.numberId,
      conversationId: after.id,
      message: liveMessage(line, change.actor?.name ?? null),
    },
    now,
  );
  await publishLive(
    env,
    db,
    {
      type: "conversation",
      numberId: after.numberId,
      conversationId: after.id,
      state: after.state,
      snoozedUntil: after.snoozedUntil,
      assignedUserId: after.assignedUserId,
      assignedName: assignedName ?? null,
      changedBy: change.actor?.id ?? null,
      change: change.kind,
    },
    now,
  );
}

async function numberOf(db: Db, conversation: Conversation) {
  const number = await findNumberById(db, conversation.numberId);
  if (!number) throw notFound("Clinic number");
  return number;
}

/**
 * Staff open, mark done or snooze a conversation. A change to the state it already has is a no-op (no
 * line, no event); a changed snooze time is a change. Returns the conversation as it now stands.
 */
export async function changeState(
  ctx: Ctx,
  conversation: Conversation,
  input: StateInput,
  actor: NonNullable<Actor>,
): Promise<Conversation> {
  const number = await numberOf(ctx.db, conversation);
  const set: TeamState =
    input.state === "snoozed"
      ? {
          state: "snoozed",
          snoozedUntil: snoozeUntil(number, input, ctx.now),
          assignedUserId: conversation.assignedUserId,
        }
      : { state: input.state, snoozedUntil: null, assignedUserId: conversation.assignedUserId };
  if (set.state === conversation.state && set.snoozedUntil === conversation.snoozedUntil) return conversation;
  const after = await updateTeamState(
    ctx.db,
    conversation.id,
    // Done answers a reply that needed attention (Needs attention view, messaging/reminder-replies.ts).
    {
      state: set.state,
      snoozedUntil: set.snoozedUntil,
      ...(set.state === "done" ? { needsAttention: false } : {}),
    },
    unchangedSince(conversation),
  );
  // Someone else changed it in between: answer with what it is now rather than overwrite their change.
  if (!after) return (await getConversation(ctx.db, conversation.orgId, conversation.id)) ?? conversation;
  if (after.state === "snoozed" && after.snoozedUntil !== null) {
    // The wake-up is the number's alarm: make sure it rings by then (an earlier alarm is kept).
    await hubFor(ctx.env, after.numberId).scheduleDrain(after.numberId, after.snoozedUntil);
  }
  const body =
    after.state === "done"
      ? `${actor.name} marked this done`
      : after.state === "open"
        ? `${actor.name} reopened this`
        : `${actor.name} snoozed this until ${snoozeLabel(after.snoozedUntil ?? ctx.now, number.timezone, ctx.now)}`;
  await announce(ctx, after, {
    kind: "state",
    body,
    actor,
    action: `conversation.${after.state === "open" ? "reopen" : after.state === "done" ? "done" : "snooze"}`,
    carrier: number.carrier,
  });
  return after;
}

/**
 * Staff assign a conversation (or unassign it: null). The assignee must be an active user of the same
 * practice who may see the number, else 404, so another practice's user ids do not leak.
 */
export async function assign(
  ctx: Ctx,
  conversation: Conversation,
  userId: number | null,
  actor: NonNullable<Actor>,
): Promise<Conversation> {
  const assignee =
    userId === null
      ? null
      : await findAssignableUser(ctx.db, conversation.orgId, conversation.numberId, userId);
  if (userId !== null && !assignee) throw notFound("User");
  if ((assignee?.id ?? null) === conversation.assignedUserId) return conversation;
  const after = await updateTeamState(
    ctx.db,
    conversation.id,
    { assignedUserId: assignee?.id ?? null },
    unchangedSince(conversation),
  );
  if (!after) return (await getConversation(ctx.db, conversation.orgId, conversation.id)) ?? conversation;
  const number = await numberOf(ctx.db, after);
  const body = !assignee
    ? `${actor.name} unassigned this`
    : assignee.id === actor.id
      ? `${actor.name} took this`
      : `${actor.name} assigned this to ${assignee.name}`;
  await announce(ctx, after, {
    kind: "assigned",
    body,
    actor,
    action: assignee ? "conversation.assign" : "conversation.unassign",
    carrier: number.carrier,
  });
  return after;
}

/**
 * A staff reply to an unassigned conversation assigns it to the sender. Never throws: the text has gone,
 * and a missed assignment must not turn the send into an error.
 */
export async function assignOnReply(ctx: Ctx, conversationId: number, sender: NonNullable<Actor>) {
  try {
    const after = await updateTeamState(ctx.db, conversationId, { assignedUserId: sender.id }, isUnassigned);
    if (!after) return;
    const number = await numberOf(ctx.db, after);
    await announce(ctx, after, {
      kind: "assigned",
      body: `${sender.name} replied and took this`,
      actor: sender,
      action: "conversation.assign",
      carrier: number.carrier,
    });
  } catch (error) {
    console.error("assign on reply failed:", describeError(error));
  }
}

/**
 * A patient's text (any text, STOP and HELP included: the patient wrote, so someone should look) reopens a
 * done or snoozed conversation. Called after the inbound text is stored; never throws.
 */
export async function reopenOnPatientText(ctx: Ctx, number: ClinicNumber, conversationId: number) {
  try {
    const after = await updateTeamState(
      ctx.db,
      conversationId,
      { state: "open", snoozedUntil: null },
      isClosed,
    );
    if (!after) return;
    await announce(ctx, after, {
      kind: "reopened",
      body: "Reopened by a new text from the patient",
      actor: null,
      action: "conversation.reopen",
      carrier: number.carrier,
    });
  } catch (error) {
    console.error("reopen on patient text failed:", describeError(error));
  }
}

/**
 * The alarm's step: reopens the number's snoozed conversations whose time has come (the assignee's screen
 * toasts on the `snooze_ended` event) and says when the next snooze ends. A conversation reopened or
 * re-snoozed meanwhile is left alone by the guard.
 */
export async function wakeSnoozes(
  input: { db: Db; env: Pick<Env, "CLINIC_NUMBER_HUB">; numberId: number },
  now: number = Date.now(),
): Promise<{ woken: number; nextAt: number | null }> {
  const { db, numberId } = input;
  const number = await findNumberById(db, numberId);
  if (!number) return { woken: 0, nextAt: null };
  const due = await dueSnoozes(db, numberId, now, SNOOZE_WAKE_BATCH);
  let woken = 0;
  for (const conversation of due) {
    const after = await updateTeamState(
      db,
      conversation.id,
      { state: "open", snoozedUntil: null },
      isSnoozedBy(now),
    );
    if (!after) continue;
    woken++;
    await announce({ db, env: input.env, now }, after, {
      kind: "snooze_ended",
      body: "Snooze ended",
      actor: null,
      action: "conversation.snooze_ended",
      carrier: number.carrier,
    });
  }
  if (due.length === SNOOZE_WAKE_BATCH) return { woken, nextAt: now };
  return { woken, nextAt: await nextSnoozeAt(db, numberId) };
}

/** The hourly cron's safety net: re-arms every number whose snoozes should have ended (alarm lost). */
export async function rearmOverdueSnoozes(db: Db, env: Pick<Env, "CLINIC_NUMBER_HUB">, now: number) {
  const numberIds = await numbersWithOverdueSnoozes(db, now - OVERDUE_SNOOZE_MS);
  for (const numberId of numberIds) await hubFor(env, numberId).scheduleDrain(numberId, now);
  return numberIds.length;
}

/** A snooze this far past its end means the alarm did not ring (the drain's own rule: five minutes). */
const OVERDUE_SNOOZE_MS = 5 * 60_000;
