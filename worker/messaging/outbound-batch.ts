/**
 * @module Accepting a practice-system batch of reminder or campaign texts (POST /api/v1/messages).
 *
 * Every recipient gets its own answer: queued (goes out within seconds), held (a campaign text outside quiet
 * hours, stored and sent when the window opens; or to a phone whose possible opt-out staff have not decided
 * yet, sent once they decide it was not one), or refused with a reason (unknown patient, invalid or
 * not-mobile phone, opted out). Accepted texts are stored `queued` with a `send_after` time in ONE D1 batch
 * and the request returns at once; the clinic number's Durable Object sends them at the carrier's pace
 * (messaging/outbound-drain.ts). Each stored text lives in the ordinary conversation of the clinic number and
 * the phone, so it shows in the queue with its kind and a reply threads under it.
 */
import type { Db } from "../db/client";
import {
  messagesByKeys,
  insertQueuedBatch,
  optedOutAmong,
  type QueuedRow,
} from "../db/queries/outbound-batch";
import { pendingReviewAmong } from "../db/queries/opt-out-reviews";
import { patientsByExternalIds, timezonesByPhone } from "../db/queries/patient-sync";
import type { ClinicNumber, Organization } from "../db/schema";
import { campaignSendTime } from "../domain/quiet-hours";
import { checkRecipientPhone } from "../domain/recipient-phone";
import {
  APPOINTMENT_ID_MAX,
  APPOINTMENT_LABEL_MAX,
  checkAppointment,
  type AppointmentInput,
  type AppointmentRefusal,
} from "../domain/reminder-reply";
import { measureText } from "../shared/segments";

export type ApiKind = "reminder" | "campaign";
export type Recipient = ({ externalId: string } | { phone: string }) & { appointment?: AppointmentInput };
export type RefusalReason =
  "unknown_patient" | "invalid_phone" | "not_mobile" | "opted_out" | "quiet_hours" | AppointmentRefusal;

export type RecipientResult =
  | { index: number; status: "queued"; messageId: number; sendAfter: number }
  | {
      index: number;
      status: "held";
      reason: "quiet_hours" | "opt_out_review";
      messageId: number;
      sendAfter: number;
    }
  | { index: number; status: "refused"; reason: RefusalReason; message: string };

const REFUSALS: Record<RefusalReason, string> = {
  unknown_patient: "No patient of this practice has that externalId.",
  invalid_phone: "The phone number is not valid.",
  not_mobile: "The phone is a landline or a service number that cannot receive texts.",
  opted_out: "This phone opted out of texts from this clinic number (it can text START to opt back in).",
  quiet_hours: "The patient's time zones never share a moment inside quiet hours.",
  invalid_appointment_id: `The appointment id is empty or longer than ${APPOINTMENT_ID_MAX} characters.`,
  invalid_starts_at:
    "appointment.startsAt is not an ISO 8601 time with a time zone (2025-06-03T09:30:00-04:00).",
  appointment_in_past: "The appointment's startsAt is in the past.",
  label_too_long: `The appointment label is longer than ${APPOINTMENT_LABEL_MAX} characters.`,
  missing_appointment: 'expects "confirmation" needs an appointment on every recipient.',
};

export type QueueInput = {
  db: Db;
  org: Organization;
  number: ClinicNumber;
  kind: ApiKind;
  body: string;
  recipients: Recipient[];
  /** "confirmation": the text asks for an answer ("Reply C to confirm"), read by messaging/reminder-replies.ts. */
  expects?: "confirmation" | undefined;
  /** The caller's key for the whole request; each recipient's text is keyed `${key}:${recipient}`. */
  idempotencyKey: string | null;
  keyId: number;
  now: number;
};

type Pending = {
  index: number;
  key: string;
  phone: string;
  appointment: Omit<QueuedRow, "phone" | "key" | "sendAfter">;
};

export async function queueApiMessages(input: QueueInput): Promise<{
  results: RecipientResult[];
  nextDueAt: number | null;
}> {
  const { db, org, number, now } = input;
  // Without a caller key every text still gets a unique one, so stored rows map back to recipients.
  const batchKey = input.idempotencyKey ?? `api:${crypto.randomUUID()}`;
  const results: RecipientResult[] = [];
  const refuse = (index: number, reason: RefusalReason) =>
    results.push({ index, status: "refused", reason, message: REFUSALS[reason] });

  const externalIds = input.recipients.flatMap((r) => ("externalId" in r ? [r.externalId] : []));
  const patients = new Map(
    (await patientsByExternalIds(db, org.id, externalIds)).map((p) => [p.externalId ?? "", p]),
  );
  const candidates: Pending[] = [];
  input.recipients.forEach((recipient, index) => {
    const checked = checkAppointment(recipient.appointment, input.expects, now);
    if (!checked.ok) return refuse(index, checked.reason);
    const label = "externalId" in recipient ? `ext:${recipient.externalId}` : `tel:${recipient.phone}`;
    const phone = "externalId" in recipient ? patients.get(recipient.externalId)?.phone : recipient.phone;
    if (phone === undefined) return refuse(index, "unknown_patient");
    const check = checkRecipientPhone(phone);
    if (!check.ok) return refuse(index, check.reason);
    // A family phone gets one reminder per appointment, so the appointment is part of the text's key.
    const about = checked.appointment ? `:appt:${checked.appointment.id}` : "";
    const key = `${batchKey}:${"externalId" in recipient ? label : `tel:${check.e164}`}${about}`;
    const appointment = checked.appointment
      ? {
          appointmentId: checked.appointment.id,
          appointmentStartsAt: checked.appointment.startsAt,
          appointmentLabel: checked.appointment.label,
          appointmentExpects: input.expects ?? null,
          appointmentExternalId: "externalId" in recipient ? recipient.externalId : null,
        }
      : {};
    candidates.push({ index, key, phone: check.e164, appointment });
  });

  // A retry of the same request answers from what the first one stored, whatever changed since.
  const earlier = await messagesByKeys(
    db,
    number.id,
    candidates.map((c) => c.key),
  );
  const fresh = candidates.filter((c) => !earlier.has(c.key));
  const optedOut = await optedOutAmong(
    db,
    number.id,
    fresh.map((c) => c.phone),
  );
  const zones =
    input.kind === "campaign"
      ? await timezonesByPhone(
          db,
          org.id,
          fresh.map((c) => c.phone),
        )
      : new Map<string, Set<string>>();
  const toStore: (Pending & { sendAfter: number })[] = [];
  for (const c of fresh) {
    if (optedOut.has(c.phone)) {
      refuse(c.index, "opted_out");
      continue;
    }
    const sendAfter = input.kind === "campaign" ? campaignSendTime(org, zones.get(c.phone), now) : now;
    if (sendAfter === null) refuse(c.index, "quiet_hours");
    else toStore.push({ ...c, sendAfter });
  }

  // Campaigns wait for staff to decide a possible opt-out ("I need to cancel"); reminders still go.
  const inReview =
    input.kind === "campaign"
      ? await pendingReviewAmong(
          db,
          number.id,
          candidates.map((c) => c.phone),
        )
      : new Set<string>();
  const stored = await insertQueuedBatch(db, {
    number,
    kind: input.kind,
    body: input.body,
    ...measureText(input.body),
    rows: dedupeByKey(toStore).map(({ phone, key, sendAfter, appointment }) => ({
      phone,
      key,
      sendAfter,
      ...appointment,
    })),
    keyId: input.keyId,
    now,
  });
  for (const c of candidates) {
    const text = earlier.get(c.key) ?? stored.get(c.key);
    if (!text) continue;
    // A text the drain already took has no send_after any more: it was due, so it answers as queued.
    const sendAfter = text.sendAfter ?? text.createdAt;
    // Only a text still waiting is held: one a retry finds already sent answers as it did.
    const waiting = !("status" in text) || text.status === "queued";
    if (waiting && inReview.has(c.phone)) {
      results.push({
        index: c.index,
        status: "held",
        reason: "opt_out_review",
        messageId: text.id,
        sendAfter,
      });
      continue;
    }
    results.push(
      sendAfter > text.createdAt
        ? { index: c.index, status: "held", reason: "quiet_hours", messageId: text.id, sendAfter }
        : { index: c.index, status: "queued", messageId: text.id, sendAfter },
    );
  }
  results.sort((a, b) => a.index - b.index);
  const due = [...stored.values()].map((t) => t.sendAfter);
  return { results, nextDueAt: due.length > 0 ? Math.min(...due) : null };
}

/** The same phone listed twice in one request is one text, and both entries answer with it. */
function dedupeByKey<T extends { key: string }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.key) ? false : (seen.add(r.key), true)));
}
