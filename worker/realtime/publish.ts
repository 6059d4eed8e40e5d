/**
 * @module The one way a change reaches live screens: record the event in D1 (which gives it its cursor),
 * then ask the clinic number's Durable Object to fan it out. Call it from `waitUntil` on hot paths such as
 * webhooks, so the carrier's answer never waits on the fan-out.
 *
 * From the message pipeline:
 *   publishLive(env, db, { type: "message", numberId, conversationId, message: liveMessage(row, authorName) })
 *   publishLive(env, db, { type: "message_status", numberId, conversationId, messageId, status, errorCode, errorReason })
 *   publishLive(env, db, { type: "opt_out", numberId, phone, optedOut, changedAt })
 */
import type { Db } from "../db/client";
import { liveEventInsert, type NewLiveEvent } from "../db/queries/live-events";
import type { Env } from "../env";
import type { Message } from "../db/schema";
import type { LiveEvent, LiveMessage } from "./protocol";
import { describeError } from "../lib/errors";

export type { NewLiveEvent };

/** The hub of one clinic number. Named by the number's id, so every Worker instance reaches the same one. */
export function hubFor(env: Pick<Env, "CLINIC_NUMBER_HUB">, numberId: number) {
  return env.CLINIC_NUMBER_HUB.getByName(String(numberId));
}

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

/** The socket's (and the thread API's) view of a stored message. */
export function liveMessage(m: Message, authorName: string | null = null): LiveMessage {
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
  };
}

/**
 * Ends a user's live feeds on these numbers now, after their access changed (disabled, grants, password,
 * sign-out). Their browsers reconnect through the session check, which admits them again only if still allowed.
 */
export async function closeUserSockets(
  env: Pick<Env, "CLINIC_NUMBER_HUB">,
  numberIds: number[],
  userId: number,
) {
  await Promise.all(
    numberIds.map((id) =>
      hubFor(env, id)
        .closeUser(userId)
        .catch((error: unknown) => {
          console.error(`closing sockets on number ${id} failed:`, describeError(error));
        }),
    ),
  );
}
