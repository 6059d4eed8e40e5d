/**
 * @module The one way a change reaches live screens: record the event in D1 (which gives it its cursor),
 * then ask the clinic number's Durable Object to fan it out (realtime/fan-out.ts). Call it from `waitUntil`
 * on hot paths such as webhooks, so the carrier's answer never waits on the fan-out.
 *
 * From the message pipeline:
 *   publishMessage(env, db, message)   a stored text, with its author's name
 *   publishStatus(env, db, message)    its delivery status moved
 *   publishOptOut(env, db, change)     a phone opted out or back in
 * and publishLive(env, db, event) for any other event (read state).
 */
import type { Env } from "../env";
import type { Db } from "../db/client";
import { liveEventInsert, type NewLiveEvent } from "../db/queries/live-events";
import { getUserName } from "../db/queries/users";
import type { Message } from "../db/schema";
import type { LiveEvent, LiveMessage } from "../shared/live-protocol";
import type { MessageAppointment } from "../shared/reminders";
import type { MessageMedia } from "../shared/media";
import { describeError } from "../lib/errors";
import { hubFor } from "./hub";

export type { NewLiveEvent };

/**
 * Stores and broadcasts one event. A failed broadcast is logged, not thrown: the event is already in D1,
 * and every client catches up from its cursor when it reconnects.
 */
export async function publishLive(
  env: Pick<Env, "CLINIC_NUMBER_HUB">,
  db: Db,
  event: NewLiveEvent,
  now = Date.now(),
): Promise<LiveEvent> {
  const [row] = await liveEventInsert(db, event, now);
  if (!row) throw new Error("live event insert returned no row");
  const live = { ...event, cursor: row.id };
  await broadcastLive(env, live);
  return live;
}

/**
 * Fans out an event already stored in D1 (the inbound batch stores its own, to save a round trip). Never
 * throws: the event is in D1, and every client catches up from its cursor when it reconnects.
 */
export async function broadcastLive(env: Pick<Env, "CLINIC_NUMBER_HUB">, live: LiveEvent): Promise<void> {
  try {
    await hubFor(env, live.numberId).publish(live);
  } catch (error) {
    console.error(`live broadcast failed for number ${live.numberId}:`, describeError(error));
  }
}

/** The socket's (and the thread API's) view of a stored message, with its photos and files (none by default). */
export function liveMessage(
  m: Message,
  authorName: string | null = null,
  media: MessageMedia[] = [],
): LiveMessage {
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    kind: m.kind,
    body: m.body,
    status: m.status,
    errorCode: m.errorCode,
    errorReason: m.errorReason,
    segments: m.segments,
    encoding: m.encoding,
    authorUserId: m.authorUserId,
    authorName,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    sendAfter: m.status === "queued" ? m.sendAfter : null,
    cancelOnReply: m.cancelOnReply,
    appointment: messageAppointment(m),
    appointmentReply: m.appointmentReply ?? null,
    media,
  };
}

/** What a reminder is about (columns of the reminder's row), or null for any other message. */
export function messageAppointment(m: Message): MessageAppointment | null {
  if (m.appointmentId === null || m.appointmentStartsAt === null) return null;
  return {
    id: m.appointmentId,
    startsAt: m.appointmentStartsAt,
    label: m.appointmentLabel,
    expects: m.appointmentExpects,
  };
}

/**
 * The carrier side's wrappers never throw: D1 already holds the message, so a failed event costs a screen
 * one REST refresh, while a throw here could fail a send or a webhook that already stored its row.
 */
async function safely(what: string, work: () => Promise<unknown>) {
  try {
    await work();
  } catch (error) {
    console.error(`live ${what} not published:`, describeError(error));
  }
}

/** `media`: the message's files (messaging/media-copy.ts sends it again as each inbound file lands). */
export function publishMessage(
  env: Env,
  db: Db,
  m: Message,
  media: MessageMedia[] = [],
  options: { mediaUpdate?: true } = {},
) {
  return safely("message", async () => {
    const authorName = m.authorUserId === null ? null : await getUserName(db, m.authorUserId);
    await publishLive(env, db, {
      type: "message",
      numberId: m.numberId,
      conversationId: m.conversationId,
      message: liveMessage(m, authorName, media),
      ...options,
    });
  });
}

export function publishStatus(env: Env, db: Db, m: Message) {
  return safely("status", () =>
    publishLive(env, db, {
      type: "message_status",
      numberId: m.numberId,
      conversationId: m.conversationId,
      messageId: m.id,
      status: m.status,
      errorCode: m.errorCode,
      errorReason: m.errorReason,
    }),
  );
}

export function publishOptOut(
  env: Env,
  db: Db,
  change: { numberId: number; phone: string; optedOut: boolean; changedAt: number },
) {
  return safely("opt-out", () => publishLive(env, db, { type: "opt_out", ...change }));
}
