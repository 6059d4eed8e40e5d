/**
 * @module A clinic number's "Escalation" setting, one copy for the worker and the web form: during office
 * hours a patient text nobody answered for `minutes` pushes everyone on the number again; outside them the
 * doctor's alert text can wait `afterHoursWaitMinutes` behind a push to chosen users, and goes out only if
 * nobody opened the conversation meanwhile (worker/messaging/escalation.ts).
 */

export type EscalationSettings = {
  enabled: boolean;
  /** N: minutes a patient text may stay unanswered during office hours before the push. */
  minutes: number;
  /** Outside office hours these users are pushed first; empty keeps the alert text as it always was. */
  afterHoursPushUserIds: number[];
  /** M: minutes the alert text waits for someone to open the conversation. */
  afterHoursWaitMinutes: number;
};

export const ESCALATION_MINUTES = { min: 1, max: 240, default: 10 } as const;
export const AFTER_HOURS_WAIT_MINUTES = { min: 1, max: 120, default: 5 } as const;
/** More people than this on call at night is a mistake, not a rota. */
export const MAX_AFTER_HOURS_PUSH_USERS = 20;

/** What a number without a saved setting has: off. */
export const ESCALATION_OFF: EscalationSettings = {
  enabled: false,
  minutes: ESCALATION_MINUTES.default,
  afterHoursPushUserIds: [],
  afterHoursWaitMinutes: AFTER_HOURS_WAIT_MINUTES.default,
};

/** The push's title: which number and how long, nothing about the patient (lock screens are public). */
export function escalationTitle(label: string, minutes: number): string {
  return `Unanswered text on ${label} for ${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** The after-hours push's title, sent to the chosen users before the doctor's alert text. */
export function afterHoursPushTitle(label: string): string {
  return `After-hours text on ${label}`;
}
