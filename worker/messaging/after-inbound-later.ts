/**
 * @module What a patient's text sets off for send-later and away replies, called once from afterInbound
 * (in `waitUntil`): withdraw the conversation's cancel-on-reply texts, and send the away text when the
 * number is closed. Each step is on its own, so neither (nor the doctor's alert) can stop the other. Never
 * throws; failures are logged by name only (no bodies or phones in logs).
 */
import type { Db } from "../db/client";
import type { Env } from "../env";
import type { ClinicNumber, Message } from "../db/schema";
import type { KeywordMatch } from "../domain/keywords";
import type { Waiting } from "../db/queries/inbound";
import { describeError } from "../lib/errors";
import { maybeAwayReply } from "./away-reply";
import { readReminderReply } from "./reminder-replies";
import { withdrawOnPatientText } from "./scheduled-texts";
import type { SendOptions } from "./send-text";

export type LaterInput = {
  db: Db;
  env: Env;
  number: ClinicNumber;
  message: Message;
  keyword: KeywordMatch | null;
  /** What the conversation had waiting when the text was stored (queries/inbound.ts). */
  waiting: Pick<Waiting, "cancelOnReply" | "reminders">;
  now: number;
  sendOptions?: SendOptions | undefined;
};

export async function afterInboundLater(input: LaterInput): Promise<void> {
  // STOP, START and HELP are not the patient answering: a STOP is caught when the text would go (it then
  // shows as not sent, opted out), and START/HELP leave the scheduled text as it was.
  if (!input.keyword && input.waiting.cancelOnReply) {
    try {
      await withdrawOnPatientText(
        { db: input.db, env: input.env, conversationId: input.message.conversationId },
        input.now,
      );
    } catch (error) {
      console.error("scheduled texts not withdrawn:", describeError(error));
    }
  }
  try {
    await maybeAwayReply(input);
  } catch (error) {
    console.error("away reply failed:", describeError(error));
  }
  // A reply to a reminder that expected an answer: read it (and maybe ask a family phone which one).
  try {
    if (input.waiting.reminders) await readReminderReply(input);
  } catch (error) {
    console.error("reminder reply not read:", describeError(error));
  }
}
