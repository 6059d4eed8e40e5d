import type { Env } from "../env";
import type { Db } from "../db/client";
import { claimAlertSlot } from "../db/queries/numbers";
import { optOutEventForMessage } from "../db/queries/opt-outs";
import { getOrganization } from "../db/queries/organizations";
import type { ClinicNumber, Message } from "../db/schema";
import type { Waiting } from "../db/queries/inbound";
import { shouldAlert } from "../domain/after-hours";
import { carrierAnswered, carrierHandlesKeywords } from "../carriers/keywords";
import { helpReply, OPT_OUT_CONFIRMATION, optInConfirmation, type KeywordMatch } from "../domain/keywords";
import { formatPhone } from "../shared/phone";
import { describeError } from "../lib/errors";
import type { LiveEvent } from "../shared/live-protocol";
import { broadcastLive, publishOptOut } from "./live";
import { sendText, type SendOptions } from "./send-text";
import { reopenOnPatientText } from "./conversation-state";
import { afterInboundLater } from "./after-inbound-later";
import { pushNewText } from "../push/notify";
import { holdAfterHoursAlert, noteUnanswered } from "./escalation";
import { alertTargets, sendAlertTexts } from "./escalation-alert";

export type AfterInbound = {
  db: Db;
  env: Env;
  number: ClinicNumber;
  message: Message;
  /** The message's live event, already stored by the inbound batch: only the fan-out is left. */
  live: LiveEvent;
  /** The patient's phone, as the store batch filed the conversation under it. */
  phone: string;
  /** What the conversation had waiting when the text was stored: a step with nothing to do is skipped. */
  waiting: Waiting;
  keyword: KeywordMatch | null;
  /** Copies the text's photos into R2 (media-copy.ts, never throws); null when none waits. */
  copyMedia: (() => Promise<void>) | null;
  carrierAutoReplied: boolean;
  now: number;
  sendOptions?: SendOptions;
};

/**
 * Everything a stored inbound text sets off, run in `waitUntil` after the carrier has its answer: the live
 * event, then its photos' copy into R2 (beside what follows), the keyword confirmation (at most one: none
 * when the carrier sent its own), the after-hours alert, then scheduled texts withdrawn and the away reply
 * (after-inbound-later.ts). Never throws; a failure is logged by kind only, since bodies and phones must not
 * reach logs.
 */
export async function afterInbound(input: AfterInbound): Promise<void> {
  await broadcastLive(input.env, input.live);
  const copied = input.copyMedia?.();
  // Web Push to the staff's devices, alongside the steps below (never throws, holds no PHI).
  const pushed = pushNewText({ ...input, conversationId: input.message.conversationId });
  // Escalation's clock (STOP/START/HELP ask nobody a question); before the reopen, which ends an episode.
  if (!input.keyword) {
    await noteUnanswered({
      ...input,
      conversationId: input.message.conversationId,
      at: input.message.createdAt,
    });
  }
  // Any patient text (STOP and HELP too) reopens a done or snoozed conversation; never throws.
  if (input.waiting.closed) await reopenOnPatientText(input, input.number, input.message.conversationId);
  try {
    if (input.keyword) await answerKeyword(input, input.keyword);
    else await maybeAlert(input);
  } catch (error) {
    console.error("after-inbound step failed:", describeError(error));
  }
  // Send later's cancel-on-reply and the away reply: on their own, never stopped by the steps above.
  await afterInboundLater(input);
  await pushed;
  await copied;
}

async function answerKeyword(input: AfterInbound, keyword: KeywordMatch) {
  const { db, env, number, message } = input;
  const { phone } = input;
  if (keyword.action !== "help") {
    const change = await optOutEventForMessage(db, message.id);
    // START from a phone that was not opted out changes nothing and deserves no "re-subscribed" reply.
    if (!change) return;
    await publishOptOut(env, db, {
      numberId: number.id,
      phone,
      optedOut: change.optedOut,
      changedAt: change.createdAt,
    });
  }
  const handles = carrierHandlesKeywords(number.carrier, number.carrierHandlesOptOut);
  if (carrierAnswered(number.carrier, keyword, handles, input.carrierAutoReplied)) return;
  const org = await getOrganization(db, number.orgId);
  const practice = org?.name ?? number.label;
  const body =
    keyword.action === "opt_out"
      ? OPT_OUT_CONFIRMATION
      : keyword.action === "opt_in"
        ? optInConfirmation(practice)
        : helpReply(practice, formatPhone(number.e164));
  await sendText(
    {
      db,
      env,
      numberId: number.id,
      phone,
      body,
      kind: "auto_reply",
      authorUserId: null,
      // One confirmation per inbound message, even if this step ever runs twice.
      idempotencyKey: `auto:${message.id}`,
    },
    { ...input.sendOptions, optOutConfirmation: keyword.action === "opt_out" },
  );
}

/**
 * The after-hours alert: at most one per number per quiet period, never to an opted-out phone. With users
 * to push first (the number's Escalation setting), it is held back instead (messaging/escalation.ts).
 */
async function maybeAlert(input: AfterInbound) {
  const { db, number, now, phone } = input;
  const conversationId = input.message.conversationId;
  if (await holdAfterHoursAlert({ ...input, conversationId, patientPhone: phone })) return;
  if (!shouldAlert(number, now)) return;
  const targets = alertTargets(number, phone);
  if (targets.length === 0) return;
  if (!(await claimAlertSlot(db, number.id, now, number.afterHoursQuietMinutes))) return;
  await sendAlertTexts({
    ...input,
    targets,
    idempotencyKey: (target) => `alert:${input.message.id}:${target}`,
  });
}
