/**
 * @module Reading a patient's reply to a reminder that asked for an answer ("Reply C to confirm"). Pure: the
 * same body and context always give the same answer, so the rule is table-tested (reminder-reply.test.ts).
 *
 * - `confirm`: C, Y, yes, yep, ok, confirm(ed), 👍, "I'll be there", "see you then", "Maria's is fine" …
 * - `reschedule`: R, reschedule, "can we move it", "another time", "a different day" … Being late is not a
 *   new time: "running late" is `unknown`, for staff to read.
 * - `cancel`: "cancel my appointment", "can't make it", "I need to cancel", N, no …
 * - `unknown`: anything else (questions, "maybe", "who is this?").
 *
 * A bare opt-out keyword (STOP, CANCEL) is an opt-out before it is any of these: the caller asks the
 * keyword classifier (domain/keywords.ts) first, as carriers do. The reply may also pick an option of the
 * family question (a bare digit), name the people it is about ("Diego's is fine") or say "both".
 */
import { measureText } from "../shared/segments";
import { normalise } from "./keywords";

export type ReplyIntent = "confirm" | "reschedule" | "cancel" | "unknown";

export type ReminderReplyReading = {
  intent: ReplyIntent;
  /** A bare option number (1-9: "1", "#2", "option 3"), else null. */
  digit: number | null;
  /** Indexes into `names` of the people the reply names ("Maria's is fine" names Maria). */
  named: number[];
  /** The reply is about everyone: "both", "all of them", "everyone". */
  everyone: boolean;
};

export type ReplyContext = {
  /** How many reminders the reply could answer: "1" confirms only when it is the only option. */
  options: number;
  /** First names of the people the outstanding reminders are for (any case), in option order. */
  names?: readonly string[];
};

const CONFIRM_WORDS = new Set([
  "c",
  "y",
  "yes",
  "yess",
  "yes please",
  "yep",
  "yup",
  "yeah",
  "yea",
  "ya",
  "ok",
  "okay",
  "okey",
  "k",
  "kk",
  "sure",
  "confirm",
  "confirmed",
  "confirming",
  "fine",
  "perfect",
  "great",
  "good",
  "si",
  "absolutely",
  "definitely",
  "will do",
  "correct",
]);
const RESCHEDULE_WORDS = new Set(["r", "reschedule", "resched", "rs", "re schedule"]);
const CANCEL_WORDS = new Set(["n", "no", "nope", "nah", "x"]);

/** Emoji people send for yes; checked before normalising, which removes emoji. */
const CONFIRM_EMOJI =
  /^(?:\u{1F44D}[\u{1F3FB}-\u{1F3FF}]?|\u2705|\u2714\uFE0F?|\u{1F44C}[\u{1F3FB}-\u{1F3FF}]?|\u2611\uFE0F?)+$/u;

/** Lateness is about the same appointment: never a reschedule (staff read it: `unknown`). */
const LATE =
  /\b(?:running|be|am|im|bit|little|few minutes|min|mins|minutes|gonna be|going to be) late\b|\bon (?:my|our) way\b|\bstuck in traffic\b/;

/** Doubt or a question about the appointment: not an answer yet. */
const UNSURE = /\b(?:not sure|maybe|might|possibly|dont know|do not know|idk|not certain|probably not)\b/;

const CANCEL = [
  /\bcancel+(?:ed|ing|ation)?\b/,
  /\b(?:cant|cannot|can not|wont|will not|unable to|not able to|not gonna|not going to|couldnt|could not|wont be able to|cant be) (?:make it|make|come|attend|be there|go|come in|do it|show)\b/,
  /\b(?:need|have|want|has|got) to cancel\b/,
  /\bnot (?:coming|attending|going to make it)\b/,
  /\b(?:wont|will not) (?:be (?:able|there|coming|attending)|make it)\b/,
  /\bno longer (?:need|want|coming)\b/,
];

const RESCHEDULE = [
  /\bre ?schedul(?:e|ed|ing)\b/,
  /\bresched\b/,
  /\b(?:move|push|change|switch|bump)(?: (?:it|my|the|our|this|that|his|her|appointment|appt|time|back|up|out))* (?:to|back|later|earlier|forward|another|a different)\b/,
  /\b(?:move|change|switch) (?:my|the|our|this|his|her) (?:appointment|appt|time|day|date)\b/,
  /\b(?:can|could) (?:we|i|you) move\b/,
  /\b(?:another|different|new|other|later|earlier) (?:time|day|date|slot|appointment|appt|week)\b/,
  /\b(?:does|do) (?:you )?have (?:anything|something|any)(?: (?:else|later|earlier|available|open))?\b/,
  /\binstead\b/,
];

const CONFIRM = [
  /\b(?:ill|i will|we will|well|will|i shall|we shall) (?:be there|come|be in|make it|see you)\b/,
  /\bsee (?:you|ya|u)(?: (?:then|there|soon|tomorrow|tmrw|tmr|monday|tuesday|wednesday|thursday|friday|saturday|sunday))?\b/,
  /\b(?:confirm|confirmed|confirming)\b/,
  /\b(?:sounds|looks) (?:good|great|perfect|fine)\b/,
  /\bworks (?:for (?:me|us)|fine|great)\b/,
  /\b(?:that|this|it|time|thats|its) (?:works|is fine|is good|is perfect)\b/,
  /\bis fine\b/,
  /\b(?:are|is) (?:fine|good|ok|okay)\b/,
  /\blooking forward\b/,
  /\bcount (?:me|us) in\b/,
  /\b(?:we|i)(?: ll| will)? be (?:there|in)\b/,
  /\b(?:planning|plan) (?:on|to) (?:be there|come|coming|attend)\b/,
  /\bsee you\b/,
];

/** A leading yes ("Yes thank you", "ok see you then"), once no negation, cancel or reschedule is found. */
const LEADING_YES =
  /^(?:c|y|yes|yep|yup|yeah|yea|ya|ok|okay|k|sure|confirm|confirmed|si|absolutely|definitely|perfect|great)\b/;

const EVERYONE = /\b(?:both|all of (?:them|us|those)|everyone|everybody|all three|all 3|all)\b/;

const DIGIT = /^(?:#|no|number|option|opt|choice)? ?([1-9])$/;

export function classifyReminderReply(body: string, context: ReplyContext): ReminderReplyReading {
  const names = (context.names ?? []).map((n) => normalise(n)).filter((n) => n !== "");
  const text = normalise(body);
  const tokens = text.split(" ").filter((t) => t !== "");
  const named = names.flatMap((name, i) =>
    tokens.some((t) => t === name || t === `${name}s` || name.split(" ")[0] === t) ? [i] : [],
  );
  const everyone = EVERYONE.test(text);
  const result = (intent: ReplyIntent, digit: number | null = null): ReminderReplyReading => ({
    intent,
    digit,
    named,
    everyone,
  });

  if (text === "") return result(CONFIRM_EMOJI.test(body.trim()) ? "confirm" : "unknown");
  const digit = DIGIT.exec(text);
  if (digit) {
    const n = Number(digit[1]);
    return result(context.options === 1 && n === 1 ? "confirm" : "unknown", n);
  }
  if (CONFIRM_WORDS.has(text)) return result("confirm");
  if (RESCHEDULE_WORDS.has(text)) return result("reschedule");
  if (CANCEL_WORDS.has(text)) return result("cancel");
  if (LATE.test(text)) return result("unknown");
  // "Can't make it, can we do Thursday instead?" wants another time: reschedule wins over cancel.
  if (RESCHEDULE.some((r) => r.test(text))) return result("reschedule");
  if (CANCEL.some((r) => r.test(text))) return result("cancel");
  if (UNSURE.test(text)) return result("unknown");
  // A question is not an answer: "Is it at 9?" "What time?"; a yes with a question ("Yes, is parking free?")
  // still confirms.
  if (CONFIRM.some((r) => r.test(text)) || LEADING_YES.test(text)) return result("confirm");
  return result("unknown");
}

/** The appointment of one recipient of POST /api/v1/messages, as the practice system sent it. */
export type AppointmentInput = { id: string; startsAt: string; label?: string | undefined };

export type AppointmentRefusal =
  | "invalid_appointment_id"
  | "invalid_starts_at"
  | "appointment_in_past"
  | "label_too_long"
  | "missing_appointment";

export const APPOINTMENT_ID_MAX = 100;
export const APPOINTMENT_LABEL_MAX = 60;

/** ISO 8601 with a date, a time and an offset: a time without a zone would be read in the Worker's. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * Checks one recipient's appointment: what each refusal means is in the API's answer. `expects` without an
 * appointment is refused, since there would be nothing for the answer to be about.
 */
export function checkAppointment(
  appointment: AppointmentInput | undefined,
  expects: "confirmation" | undefined,
  now: number,
):
  | { ok: true; appointment: { id: string; startsAt: number; label: string | null } | null }
  | { ok: false; reason: AppointmentRefusal } {
  if (!appointment)
    return expects ? { ok: false, reason: "missing_appointment" } : { ok: true, appointment: null };
  const id = appointment.id.trim();
  if (id.length === 0 || id.length > APPOINTMENT_ID_MAX)
    return { ok: false, reason: "invalid_appointment_id" };
  const label = appointment.label?.trim() ?? "";
  if (label.length > APPOINTMENT_LABEL_MAX) return { ok: false, reason: "label_too_long" };
  const startsAt = ISO_INSTANT.test(appointment.startsAt) ? Date.parse(appointment.startsAt) : Number.NaN;
  if (!Number.isFinite(startsAt)) return { ok: false, reason: "invalid_starts_at" };
  if (startsAt <= now) return { ok: false, reason: "appointment_in_past" };
  return { ok: true, appointment: { id, startsAt, label: label === "" ? null : label } };
}

/** One appointment the family question offers: who (first name or label, if known) and when. */
export type FamilyOption = { name: string | null; startsAt: number };

/**
 * "Which appointment? Reply 1 for Maria Tue 9:30, 2 for Diego Tue 10:00, or 3 for both." Times on the
 * clinic number's clock; "am/pm" only when some option is in the afternoon. Fits one SMS segment where it
 * can: a longer form is dropped for a shorter one (no weekday, then names only) before it would take two.
 * At most 8 options plus "all" (the caller passes at most 8).
 */
export function familyQuestion(options: readonly FamilyOption[], timeZone: string): string {
  const parts = (at: number) =>
    Object.fromEntries(
      new Intl.DateTimeFormat("en-US", {
        timeZone,
        weekday: "short",
        hour: "numeric",
        minute: "2-digit",
        hour12: true,
      })
        .formatToParts(at)
        .map((p) => [p.type, p.value]),
    ) as Partial<Record<Intl.DateTimeFormatPartTypes, string>>;
  const when = options.map((o) => parts(o.startsAt));
  const afternoon = when.some((p) => p.dayPeriod === "PM");
  const time = (p: (typeof when)[number]) =>
    `${p.hour ?? ""}:${p.minute ?? ""}${afternoon ? (p.dayPeriod ?? "").toLowerCase() : ""}`;
  const forms: ((o: FamilyOption, i: number) => string)[] = [
    (o, i) => [o.name, when[i]?.weekday, time(when[i] ?? {})].filter(Boolean).join(" "),
    (o, i) => [o.name, time(when[i] ?? {})].filter(Boolean).join(" "),
    (o, i) => o.name ?? time(when[i] ?? {}),
  ];
  const all = options.length === 2 ? "both" : "all";
  const sentence = (form: (o: FamilyOption, i: number) => string) => {
    const listed = options.map((o, i) => `${i + 1} for ${form(o, i)}`);
    return `Which appointment? Reply ${listed.join(", ")}, or ${options.length + 1} for ${all}.`;
  };
  const texts = forms.map(sentence);
  return texts.find((t) => measureText(t).segments === 1) ?? texts[texts.length - 1] ?? "";
}
