/**
 * Reminder replies on the staff screen: how a reminder's appointment reads, and the staff correction of how a
 * patient's reply was read. The shapes are the shared contract (worker/shared/reminders.ts).
 */
import { api, call } from "./api";
import { session } from "./session";
import { applyToList } from "./queue-store";
import { thread, upsertMessage } from "./thread-store";
import type { LiveMessage } from "./queue-types";
import type { AppointmentCorrection, MessageAppointment } from "../../worker/shared/reminders";

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string | undefined, options: Intl.DateTimeFormatOptions) {
  const key = `${timeZone ?? ""}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * "Tue, Dec 8 at 9:30 AM", in the clinic number's zone (the appointment is at the clinic), or the browser's
 * when the number has none. A zone other than the browser's is named ("9:30 AM CST"), so a staff member
 * working from elsewhere does not read clinic time as their own.
 */
export function appointmentTime(ms: number, timeZone: string | undefined): string {
  const day = formatter(timeZone, { weekday: "short", month: "short", day: "numeric" }).format(ms);
  const named = timeZone !== undefined && timeZone !== browserZone();
  const time = formatter(timeZone, {
    hour: "numeric",
    minute: "2-digit",
    ...(named ? { timeZoneName: "short" } : {}),
  }).format(ms);
  return `${day} at ${time}`;
}

/** "Appointment Tue, Dec 8 at 9:30 AM · cleaning with Dr. Lee · asked to confirm". */
export function appointmentText(appointment: MessageAppointment, timeZone: string | undefined): string {
  return [
    `Appointment ${appointmentTime(appointment.startsAt, timeZone)}`,
    appointment.label,
    appointment.expects === "confirmation" ? "asked to confirm" : null,
  ]
    .filter((part): part is string => Boolean(part))
    .join(" · ");
}

/** The open conversation's clinic number's time zone, if the session knows one. */
export function clinicTimeZone(): string | undefined {
  const numberId = thread.conversation?.numberId;
  const zone = session.me?.numbers.find((n) => n.id === numberId)?.timezone;
  return zone ? zone : undefined;
}

/** Staff say what a reply really meant; a refusal arrives as an ApiError with the server's words. */
export async function correctAppointmentReply(
  conversationId: number,
  messageId: number,
  correction: AppointmentCorrection,
): Promise<LiveMessage> {
  const { message } = await call(
    api.api.conversations[":id"].messages[":messageId"]["appointment-reply"].$post({
      param: { id: String(conversationId), messageId: String(messageId) },
      json: { correction },
    }),
  );
  // The live event follows for every screen; this one shows the answer at once (applying both is harmless).
  upsertMessage(message);
  const numberId = thread.conversation?.numberId;
  if (numberId !== undefined && thread.conversation?.id === conversationId) {
    applyToList({ type: "message", cursor: 0, numberId, conversationId, message });
  }
  return message;
}
