/**
 * @module The away reply: a patient who texts a clinic number outside its office hours gets the number's
 * away text once per conversation per closed period (domain/away-reply.ts), through the one send path
 * (sendText: opt-out refused there too), marked `auto_reply`. Never to an opted-out phone, never in answer to
 * a keyword (STOP, START, HELP, or a text that may be an opt-out), and independent of the doctor's alert.
 */
import type { Db } from "../db/client";
import type { Env } from "../env";
import { awayStateOf, claimAwayReply, releaseAwayReply } from "../db/queries/away-replies";
import { getOptOut } from "../db/queries/opt-outs";
import type { ClinicNumber, Message } from "../db/schema";
import { awayReplyFor } from "../domain/away-reply";
import { classifyInbound } from "../domain/keywords";
import { sendText, type SendOptions } from "./send-text";

export type AwayInput = {
  db: Db;
  env: Env;
  number: ClinicNumber;
  /** The patient's stored inbound text. */
  message: Message;
  now: number;
  sendOptions?: SendOptions | undefined;
};

/** Sends the away text if this inbound text calls for one; returns whether it sent. */
export async function maybeAwayReply(input: AwayInput): Promise<boolean> {
  const { db, env, number, message, now } = input;
  if (!number.awayMessage || !number.officeHours) return false;
  // A keyword has its own answer (or the carrier's); a possible opt-out must not be answered with chatter.
  const read = classifyInbound(message.body);
  if ("match" in read || read.kind === "possible-opt-out") return false;
  const conversation = await awayStateOf(db, message.conversationId);
  if (!conversation) return false;
  const away = awayReplyFor(number, conversation.awayRepliedAt, now);
  if (!away) return false;
  const optOut = await getOptOut(db, number.id, conversation.phone);
  if (optOut?.optedOut) return false;
  if (!(await claimAwayReply(db, conversation.id, away.periodStart, now))) return false;
  try {
    await sendText(
      {
        db,
        env,
        numberId: number.id,
        phone: conversation.phone,
        body: away.body,
        kind: "auto_reply",
        authorUserId: null,
        // One away text per inbound message, even if this step ever runs twice.
        idempotencyKey: `away:${message.id}`,
      },
      input.sendOptions,
    );
  } catch (error) {
    // Not stored (opted out a moment ago, D1 trouble): the claim goes back for the patient's next text.
    await releaseAwayReply(db, conversation.id, now);
    throw error;
  }
  return true;
}
