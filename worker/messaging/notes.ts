/**
 * @module Writing an internal note: who it mentions (shared/mentions.ts, among the colleagues who may see the
 * number), the row with its mentions and audit (db/queries/notes.ts), and the `message` live event that
 * carries the mentions, so each mentioned colleague's screen shows a toast. A note never goes near a carrier.
 */
import type { Env } from "../env";
import type { Db } from "../db/client";
import type { ClinicNumber, Conversation } from "../db/schema";
import { insertNote, mentionableUsers, mentionsOfNote } from "../db/queries/notes";
import { getUserName } from "../db/queries/users";
import { mentionedUserIds } from "../shared/mentions";
import { NOTE_MAX_LENGTH } from "../shared/messages";
import { badRequest, describeError } from "../lib/errors";
import type { Session } from "../lib/principals";
import type { LiveMessage } from "../shared/live-protocol";
import { liveMessage, publishLive } from "./live";

export type NoteInput = {
  db: Db;
  env: Env;
  session: Session;
  number: ClinicNumber;
  conversation: Conversation;
  body: string;
  /** The client's key for this note; stored as `note:<key>`, apart from the keys of texts. */
  idempotencyKey: string;
  now?: number;
};

export type NoteResult = { message: LiveMessage; mentions: number[]; created: boolean };

export async function createNote(input: NoteInput): Promise<NoteResult> {
  const { db, env, session, number, conversation } = input;
  const body = input.body;
  if (body.trim() === "") throw badRequest("The note is empty.");
  if (body.length > NOTE_MAX_LENGTH) {
    throw badRequest(`The note is too long (${NOTE_MAX_LENGTH.toLocaleString("en-US")} characters at most).`);
  }
  const people = await mentionableUsers(db, session.org.id, number.id);
  const mentions = mentionedUserIds(body, people, session.user.id);
  const now = input.now ?? Date.now();
  const { message, created } = await insertNote(db, {
    number,
    conversationId: conversation.id,
    body,
    authorUserId: session.user.id,
    idempotencyKey: `note:${input.idempotencyKey}`,
    mentionedUserIds: mentions,
    now,
  });
  const authorName =
    message.authorUserId === session.user.id
      ? session.user.name
      : message.authorUserId === null
        ? null
        : await getUserName(db, message.authorUserId);
  const live = liveMessage(message, authorName);
  if (!created) return { message: live, mentions: await mentionsOfNote(db, message.id), created };
  try {
    await publishLive(env, db, {
      type: "message",
      numberId: number.id,
      conversationId: conversation.id,
      message: live,
      mentions,
    });
  } catch (error) {
    // The note is stored: a screen that missed the event sees it on its next load of the thread.
    console.error(`live note ${message.id} not published:`, describeError(error));
  }
  return { message: live, mentions, created };
}
