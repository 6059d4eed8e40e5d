/**
 * @module Escalation when nobody answers, per clinic number (its "Escalation" setting, shared/escalation.ts).
 *
 * During office hours: a patient's text begins an "unanswered" episode on its conversation (afterInbound
 * calls noteUnanswered). The number's alarm (number-alarm.ts) looks at it `minutes` later: answered by staff
 * since, Done or snoozed, it is over with no push; still unanswered, everyone told about the number's texts
 * gets one push "Unanswered text on <label> for N minutes" (the new-text push's recipients; no PHI). Once per
 * episode: it is then settled, and only a staff reply followed by a new patient text starts another.
 *
 * Outside office hours, with users chosen to be pushed first, the doctor's alert text waits: afterInbound
 * asks holdAfterHoursAlert, which pushes those users now and holds the text `afterHoursWaitMinutes`; the alarm
 * then sends it only if the conversation is still unread (nobody opened it), still throttled by the
 * after-hours quiet period. Without chosen users the alert is sent at once, exactly as before.
 *
 * Throttle: at most one escalation push per number per ESCALATION_QUIET_MS (five minutes, fixed). Not the
 * after-hours quiet period: that one is tuned for the doctor's cell at night (15 minutes by default, up to a
 * day), while in the day a second unanswered text ten minutes after the first must ring again. Episodes due
 * inside the quiet time wait for its end and are covered by the next push together.
 */
import type { Db } from "../db/client";
import type { Env } from "../env";
import { auditInsert } from "../db/queries/audit";
import {
  claimEscalationSlot,
  dueAlerts,
  dueEpisodes,
  endAllEpisodes,
  endEpisodes,
  holdAlert,
  markUnanswered,
  nextAlertAt,
  numbersWithOverdueEscalations,
  oldestEpisodeStart,
  pushTargetsForUsers,
  releaseAlert,
  settleEpisodes,
} from "../db/queries/escalation";
import { claimAlertSlot, findNumberById } from "../db/queries/numbers";
import { getOrganization } from "../db/queries/organizations";
import { pushTargetsForNumber } from "../db/queries/push-subscriptions";
import type { ClinicNumber } from "../db/schema";
import { isOpen, shouldAlert } from "../domain/after-hours";
import { describeError } from "../lib/errors";
import { pushTo, viewersOf, type NotifyOptions } from "../push/notify";
import {
  afterHoursPushTitle,
  ESCALATION_OFF,
  escalationTitle,
  type EscalationSettings,
} from "../shared/escalation";
import { alertTargets, sendAlertTexts } from "./escalation-alert";
import { hubFor } from "./hub";
import type { SendOptions } from "./send-text";

/** At most one escalation push per number this often (see the module comment for why it is fixed). */
export const ESCALATION_QUIET_MS = 5 * 60_000;
/** Episodes and held alerts settled per alarm run; more make the alarm ring again at once. */
export const ESCALATION_BATCH = 50;
/** A due time this far past means the alarm did not ring (the drain's and the snoozes' rule). */
const OVERDUE_MS = 5 * 60_000;
const MINUTE = 60_000;

/** The number's setting, with the defaults for a number that never saved one (off). */
export function escalationOf(number: Pick<ClinicNumber, "escalation">): EscalationSettings {
  return { ...ESCALATION_OFF, ...number.escalation };
}

/** Office hours as after-hours.ts decides them; a number without office hours is never "after hours". */
export function inOfficeHours(number: ClinicNumber, at: number): boolean {
  return number.officeHours === null || isOpen(number.officeHours, number.timezone, new Date(at));
}

type Ctx = { db: Db; env: Env };

/**
 * A patient's text (not STOP/START/HELP) arrived: begins the conversation's episode unless one is running,
 * and makes sure the number's alarm looks at it when it is due. Runs before the text reopens a Done or
 * snoozed conversation (markUnanswered reads that state). Never throws.
 */
export async function noteUnanswered(
  input: Ctx & { number: ClinicNumber; conversationId: number; at: number },
): Promise<void> {
  try {
    const settings = escalationOf(input.number);
    if (!settings.enabled) return;
    const since = await markUnanswered(input.db, input.conversationId, input.at);
    if (since === null) return;
    await hubFor(input.env, input.number.id).scheduleDrain(
      input.number.id,
      since + settings.minutes * MINUTE,
    );
  } catch (error) {
    console.error("escalation not noted:", describeError(error));
  }
}

/**
 * The after-hours alert with users to push first: pushes them, holds the alert text for the wait, and arms
 * the alarm for it. True when the alert is held (now or by an earlier text of the same conversation), so the
 * caller sends nothing now; false when the alert is not held back, and the caller goes on as before.
 */
export async function holdAfterHoursAlert(
  input: Ctx & { number: ClinicNumber; conversationId: number; patientPhone: string; now: number },
  options: NotifyOptions = {},
): Promise<boolean> {
  const { db, env, number, conversationId, now } = input;
  const settings = escalationOf(number);
  if (!settings.enabled || settings.afterHoursPushUserIds.length === 0) return false;
  // Closed and someone to alert; the quiet period is applied when the text would go, not to the push.
  if (!shouldAlert({ ...number, lastAfterHoursAlertAt: null }, now)) return false;
  if (alertTargets(number, input.patientPhone).length === 0) return false;
  const dueAt = now + settings.afterHoursWaitMinutes * MINUTE;
  if (!(await holdAlert(db, conversationId, dueAt))) return true;
  await hubFor(env, number.id).scheduleDrain(number.id, dueAt);
  const viewing = new Set(await viewersOf(env, number.id, conversationId));
  const targets = (
    await pushTargetsForUsers(db, number.orgId, number.id, settings.afterHoursPushUserIds)
  ).filter((t) => !viewing.has(t.userId));
  const org = await getOrganization(db, number.orgId);
  const devices = await pushTo(
    {
      db,
      env,
      targets,
      payload: {
        title: afterHoursPushTitle(number.label),
        body: org?.name ?? number.label,
        url: `/queue?number=${number.id}&conversation=${conversationId}`,
      },
      // The same topic as the new-text push: this one replaces it if that is still pending.
      topic: `c${conversationId}`,
      now,
    },
    options,
  );
  await auditInsert(db, {
    orgId: number.orgId,
    userId: null,
    action: "alert.held",
    targetType: "conversation",
    targetId: conversationId,
    detail: { devices, waitMinutes: settings.afterHoursWaitMinutes },
  });
  return true;
}

export type EscalationOptions = { push?: NotifyOptions; send?: SendOptions };

/**
 * The alarm's step: sends the held alerts whose wait is over (if still unread), settles the episodes whose
 * time has come (one push for all of them), and says when it is due again.
 */
export async function runEscalation(
  input: Ctx & { numberId: number },
  now: number = Date.now(),
  options: EscalationOptions = {},
): Promise<{ nextAt: number | null; pushed: number }> {
  const { db, env } = input;
  const number = await findNumberById(db, input.numberId);
  if (!number) return { nextAt: null, pushed: 0 };
  const alertsNext = await releaseDueAlerts({ db, env }, number, now, options.send);
  const episodes = await settleDueEpisodes({ db, env }, number, now, options.push);
  const next = [alertsNext, episodes.nextAt].filter((at) => at !== null);
  return { nextAt: next.length > 0 ? Math.min(...next) : null, pushed: episodes.pushed };
}

async function releaseDueAlerts(
  ctx: Ctx,
  number: ClinicNumber,
  now: number,
  sendOptions: SendOptions | undefined,
): Promise<number | null> {
  const { db } = ctx;
  const due = await dueAlerts(db, number.id, now, ESCALATION_BATCH);
  for (const alert of due) {
    try {
      // Released once: a second alarm run (or a racing one) finds nothing to send.
      if (!(await releaseAlert(db, alert.id, alert.alertDueAt))) continue;
      if (!alert.unread) {
        await auditInsert(db, {
          orgId: number.orgId,
          userId: null,
          action: "alert.withheld_opened",
          targetType: "conversation",
          targetId: alert.id,
        });
        continue;
      }
      const targets = alertTargets(number, alert.phone);
      if (targets.length === 0) continue;
      if (!(await claimAlertSlot(db, number.id, now, number.afterHoursQuietMinutes))) continue;
      await sendAlertTexts({
        db,
        env: ctx.env,
        number,
        targets,
        idempotencyKey: (target) => `alert:held:${alert.id}:${alert.alertDueAt}:${target}`,
        sendOptions,
      });
    } catch (error) {
      console.error("held alert not sent:", describeError(error));
    }
  }
  if (due.length === ESCALATION_BATCH) return now;
  return nextAlertAt(db, number.id);
}

async function settleDueEpisodes(
  ctx: Ctx,
  number: ClinicNumber,
  now: number,
  pushOptions: NotifyOptions | undefined,
): Promise<{ nextAt: number | null; pushed: number }> {
  const { db } = ctx;
  const settings = escalationOf(number);
  if (!settings.enabled) {
    // Turned off: what was running must not push the moment it is turned on again.
    await endAllEpisodes(db, number.id);
    return { nextAt: null, pushed: 0 };
  }
  const windowMs = settings.minutes * MINUTE;
  const due = await dueEpisodes(db, number.id, now - windowMs, ESCALATION_BATCH);
  await endEpisodes(
    db,
    due.filter((e) => e.over).map((e) => e.id),
  );
  const unanswered = due.filter((e) => !e.over);
  let pushed = 0;
  let waitUntil: number | null = null;
  const first = unanswered[0];
  if (first) {
    const ids = unanswered.map((e) => e.id);
    if (!inOfficeHours(number, now)) {
      // Closed by now: the after-hours alert is what tells someone at night, not a push to the front desk.
      await settleEpisodes(db, ids, now);
    } else if (await claimEscalationSlot(db, number.id, now, ESCALATION_QUIET_MS)) {
      pushed = await pushEscalation(ctx, number, settings, first.id, now, pushOptions);
      await settleEpisodes(db, ids, now);
      await auditInsert(db, {
        orgId: number.orgId,
        userId: null,
        action: "escalation.pushed",
        targetType: "clinic_number",
        targetId: number.id,
        detail: { devices: pushed, conversations: ids.length },
      });
    } else {
      // Pushed a moment ago: these wait for the quiet time's end, and its push covers them.
      waitUntil = Math.max((number.lastEscalationAt ?? now) + ESCALATION_QUIET_MS, now + MINUTE);
    }
  }
  if (waitUntil !== null) return { nextAt: waitUntil, pushed };
  if (due.length === ESCALATION_BATCH) return { nextAt: now, pushed };
  const oldest = await oldestEpisodeStart(db, number.id);
  return { nextAt: oldest === null ? null : Math.max(oldest + windowMs, now), pushed };
}

/** Everyone told about the number's texts (pushNewText's recipients), one push that names no patient. */
async function pushEscalation(
  ctx: Ctx,
  number: ClinicNumber,
  settings: EscalationSettings,
  conversationId: number,
  now: number,
  options: NotifyOptions | undefined,
): Promise<number> {
  const targets = await pushTargetsForNumber(ctx.db, number.orgId, number.id);
  if (targets.length === 0) return 0;
  const org = await getOrganization(ctx.db, number.orgId);
  return pushTo(
    {
      ...ctx,
      targets,
      payload: {
        title: escalationTitle(number.label, settings.minutes),
        body: org?.name ?? number.label,
        url: `/queue?number=${number.id}&conversation=${conversationId}`,
      },
      topic: `e${number.id}`,
      now,
    },
    options,
  );
}

/** The hourly cron's safety net: re-arms every number whose escalation or held alert is overdue. */
export async function rearmOverdueEscalations(db: Db, env: Pick<Env, "CLINIC_NUMBER_HUB">, now: number) {
  const numberIds = await numbersWithOverdueEscalations(db, now - OVERDUE_MS);
  for (const numberId of numberIds) await hubFor(env, numberId).scheduleDrain(numberId, now);
  return numberIds.length;
}
