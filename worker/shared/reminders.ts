/**
 * @module Reminders that expect an answer, one copy for the worker and the web app: the appointment a
 * reminder is about, what a patient's reply to it meant, and the chip and view labels.
 */

/** The appointment a reminder (`POST /api/v1/messages`) is about, as the practice system gave it. */
export type MessageAppointment = {
  /** The practice system's appointment id (at most 100 characters). */
  id: string;
  /** Epoch ms. */
  startsAt: number;
  /** "cleaning with Dr. Lee" (at most 60 characters), or null. */
  label: string | null;
  /** Whether the reminder asked for an answer ("Reply C to confirm"). */
  expects: "confirmation" | null;
};

/** What a reply to a reminder meant; `opted_out` when the reply was an opt-out keyword (STOP, CANCEL). */
export const APPOINTMENT_INTENTS = ["confirm", "reschedule", "cancel", "unknown", "opted_out"] as const;
export type AppointmentIntent = (typeof APPOINTMENT_INTENTS)[number];

/** The chip on the reply's bubble. */
export const APPOINTMENT_INTENT_LABELS: Record<AppointmentIntent, string> = {
  confirm: "Confirmed ✓",
  reschedule: "Wants to reschedule",
  cancel: "Cancel request",
  unknown: "Not understood",
  opted_out: "Opted out by reply",
};

/** What staff may correct a reply to (the chip's menu); `not_about` takes the reply off the appointment. */
export const APPOINTMENT_CORRECTIONS = ["confirm", "reschedule", "cancel", "not_about"] as const;
export type AppointmentCorrection = (typeof APPOINTMENT_CORRECTIONS)[number];

export const APPOINTMENT_CORRECTION_LABELS: Record<AppointmentCorrection, string> = {
  confirm: "Mark as confirmed",
  reschedule: "Mark as reschedule",
  cancel: "Mark as cancel",
  not_about: "Not about the appointment",
};

/** The intents that put a conversation under "Needs attention" until staff answer it or mark it done. */
export const NEEDS_ATTENTION_INTENTS = [
  "reschedule",
  "cancel",
  "unknown",
  "opted_out",
] as const satisfies readonly AppointmentIntent[];

export const NEEDS_ATTENTION_LABEL = "Needs attention";

/** How a patient's reply was read, as `LiveMessage.appointmentReply` carries it on the reply's bubble. */
export type AppointmentReply = {
  intent: AppointmentIntent;
  /** The reminders (message ids) this reply answered: more than one when "3 for both" on a family phone. */
  reminderMessageIds: number[];
  /** Who corrected the reading, when staff did (null: as classified). */
  correctedBy: string | null;
};
