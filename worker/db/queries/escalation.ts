/**
 * @module The SQL of escalation (messaging/escalation.ts): a conversation's unanswered episode (started by a
 * patient's text, ended by a staff reply, Done or a snooze, settled once by the number's alarm), the number's
 * escalation push slot, the after-hours alert text held back until someone opens the conversation, and the
 * devices of chosen users.
 */
import { and, asc, eq, inArray, isNotNull, isNull, lte, min, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { clinicNumbers, conversations, pushSubscriptions, userNumbers, users } from "../schema";
import { pushTargetColumns, type PushTarget } from "./push-subscriptions";

/**
 * A staff text to the patient after the episode began: a reply or a direct text that went (or is going) out.
 * A send-later text still waiting, a cancelled or a failed one did not answer anyone.
 */
const answeredSinceStart: SQL = sql`exists (
  select 1 from messages m
  where m.conversation_id = ${conversations.id}
    and m.direction = 'out' and m.kind in ('reply', 'direct')
    and m.status not in ('cancelled', 'failed')
    and not (m.status = 'queued' and m.send_after is not null)
    and m.created_at >= ${conversations.unansweredSince})`;

/**
 * A patient's text at `at`: begins a new episode unless one is still running (no staff reply, not Done or
 * snoozed since it began), so a second unanswered text keeps the first one's clock and its one push. Runs
 * before the text reopens a closed conversation, which is how Done and snoozed end an episode here.
 * Returns when the running episode began.
 */
export async function markUnanswered(db: Db, conversationId: number, at: number): Promise<number | null> {
  const fresh = sql`(${conversations.unansweredSince} is null or ${conversations.state} <> 'open' or ${answeredSinceStart})`;
  const [row] = await db
    .update(conversations)
    .set({
      unansweredSince: sql`case when ${fresh} then ${at} else ${conversations.unansweredSince} end`,
      escalatedAt: sql`case when ${fresh} then null else ${conversations.escalatedAt} end`,
    })
    .where(eq(conversations.id, conversationId))
    .returning({ since: conversations.unansweredSince, escalatedAt: conversations.escalatedAt });
  return row && row.escalatedAt === null ? row.since : null;
}

const pending = (numberId: number) =>
  and(
    eq(conversations.numberId, numberId),
    isNotNull(conversations.unansweredSince),
    isNull(conversations.escalatedAt),
  );

export type DueEpisode = {
  id: number;
  unansweredSince: number;
  /** Answered, Done or snoozed since it began: over without a push. */
  over: boolean;
};

/** The number's unsettled episodes that began at or before `startedBy`, oldest first. */
export async function dueEpisodes(
  db: Db,
  numberId: number,
  startedBy: number,
  limit: number,
): Promise<DueEpisode[]> {
  const rows = await db
    .select({
      id: conversations.id,
      unansweredSince: conversations.unansweredSince,
      over: sql<number>`(${conversations.state} <> 'open' or ${answeredSinceStart})`,
    })
    .from(conversations)
    .where(and(pending(numberId), lte(conversations.unansweredSince, startedBy)))
    .orderBy(asc(conversations.unansweredSince))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, unansweredSince: r.unansweredSince ?? startedBy, over: r.over === 1 }));
}

/** Ends episodes without a push (answered, Done, snoozed, or escalation turned off). */
export async function endEpisodes(db: Db, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(conversations)
    .set({ unansweredSince: null, escalatedAt: null })
    .where(and(inArray(conversations.id, ids), isNull(conversations.escalatedAt)));
}

/** Every unsettled episode of a number: escalation is off, so none of them may push when it is turned on. */
export async function endAllEpisodes(db: Db, numberId: number): Promise<void> {
  await db.update(conversations).set({ unansweredSince: null, escalatedAt: null }).where(pending(numberId));
}

/** Marks episodes settled at `at` (pushed, or due outside office hours): never looked at again. */
export async function settleEpisodes(db: Db, ids: number[], at: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(conversations)
    .set({ escalatedAt: at })
    .where(and(inArray(conversations.id, ids), isNull(conversations.escalatedAt)));
}

/** When the number's oldest unsettled episode began, or null. */
export async function oldestEpisodeStart(db: Db, numberId: number): Promise<number | null> {
  const [row] = await db
    .select({ at: min(conversations.unansweredSince) })
    .from(conversations)
    .where(pending(numberId));
  return row?.at ?? null;
}

/**
 * Claims the number's escalation push: at most one per `quietMs`, even if two alarms raced, because the
 * check and the write are one UPDATE (as claimAlertSlot does for the after-hours text).
 */
export async function claimEscalationSlot(db: Db, numberId: number, now: number, quietMs: number) {
  const rows = await db
    .update(clinicNumbers)
    .set({ lastEscalationAt: now })
    .where(
      and(
        eq(clinicNumbers.id, numberId),
        or(isNull(clinicNumbers.lastEscalationAt), lte(clinicNumbers.lastEscalationAt, now - quietMs)),
      ),
    )
    .returning({ id: clinicNumbers.id });
  return rows.length > 0;
}

/** Holds the after-hours alert of a conversation until `dueAt`; false when one is already held. */
export async function holdAlert(db: Db, conversationId: number, dueAt: number): Promise<boolean> {
  const rows = await db
    .update(conversations)
    .set({ alertDueAt: dueAt })
    .where(and(eq(conversations.id, conversationId), isNull(conversations.alertDueAt)))
    .returning({ id: conversations.id });
  return rows.length > 0;
}

export type DueAlert = { id: number; phone: string; alertDueAt: number; unread: boolean };

export async function dueAlerts(db: Db, numberId: number, now: number, limit: number): Promise<DueAlert[]> {
  const rows = await db
    .select({
      id: conversations.id,
      phone: conversations.phone,
      alertDueAt: conversations.alertDueAt,
      unread: conversations.unread,
    })
    .from(conversations)
    .where(and(eq(conversations.numberId, numberId), lte(conversations.alertDueAt, now)))
    .orderBy(asc(conversations.alertDueAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, alertDueAt: r.alertDueAt ?? now }));
}

/** Releases a held alert; false when another alarm run already did (then that run decides, not this one). */
export async function releaseAlert(db: Db, conversationId: number, dueAt: number): Promise<boolean> {
  const rows = await db
    .update(conversations)
    .set({ alertDueAt: null })
    .where(and(eq(conversations.id, conversationId), eq(conversations.alertDueAt, dueAt)))
    .returning({ id: conversations.id });
  return rows.length > 0;
}

export async function nextAlertAt(db: Db, numberId: number): Promise<number | null> {
  const [row] = await db
    .select({ at: min(conversations.alertDueAt) })
    .from(conversations)
    .where(and(eq(conversations.numberId, numberId), isNotNull(conversations.alertDueAt)));
  return row?.at ?? null;
}

/**
 * Numbers whose escalation or held alert should have run before `before`: their alarm was lost. An
 * episode is due `minutes` after it began, read from the number's setting.
 */
export async function numbersWithOverdueEscalations(db: Db, before: number): Promise<number[]> {
  const rows = await db
    .selectDistinct({ numberId: conversations.numberId })
    .from(conversations)
    .innerJoin(clinicNumbers, eq(clinicNumbers.id, conversations.numberId))
    .where(
      or(
        lte(conversations.alertDueAt, before),
        and(
          isNotNull(conversations.unansweredSince),
          isNull(conversations.escalatedAt),
          sql`json_extract(${clinicNumbers.escalation}, '$.enabled') = 1`,
          sql`${conversations.unansweredSince} + json_extract(${clinicNumbers.escalation}, '$.minutes') * 60000 <= ${before}`,
        ),
      ),
    );
  return rows.map((r) => r.numberId);
}

/** An admin, or a user granted the number (as everywhere else: queries/numbers.ts). */
const maySee = (numberId: number): SQL =>
  sql`(${users.role} = 'admin' or exists (select 1 from ${userNumbers}
    where ${userNumbers.userId} = ${users.id} and ${userNumbers.numberId} = ${numberId}))`;

/**
 * The devices of the chosen users who are still active and may still see the number. Their SMS Reply Alert
 * switch does not apply: an admin put them on call for this.
 */
export function pushTargetsForUsers(
  db: Db,
  orgId: number,
  numberId: number,
  userIds: number[],
): Promise<PushTarget[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return db
    .select(pushTargetColumns)
    .from(pushSubscriptions)
    .innerJoin(users, eq(users.id, pushSubscriptions.userId))
    .where(
      and(
        inArray(users.id, userIds),
        eq(users.orgId, orgId),
        eq(pushSubscriptions.orgId, orgId),
        eq(users.active, true),
        maySee(numberId),
      ),
    );
}

/** Which of `ids` are active users of the practice who may see the number (the route refuses the others). */
export async function usersWhoMaySee(db: Db, orgId: number, numberId: number, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.id, ids), eq(users.orgId, orgId), eq(users.active, true), maySee(numberId)));
  return rows.map((r) => r.id);
}
