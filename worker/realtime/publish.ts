/**
 * @module The one way a change reaches live screens: record the event in D1 (which gives it its cursor),
 * then ask the clinic number's Durable Object to fan it out. Call it from `waitUntil` on hot paths such as
 * webhooks, so the carrier's answer never waits on the fan-out.
 */
import type { Db } from "../db/client";
import { liveEventInsert, type NewLiveEvent } from "../db/queries/live-events";
import type { Env } from "../env";
import type { LiveEvent } from "./protocol";

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
  const live = { ...event, cursor: row.id } as LiveEvent;
  try {
    await hubFor(env, event.numberId).publish(live);
  } catch (error) {
    console.error(
      `live broadcast failed for number ${event.numberId}:`,
      error instanceof Error ? error.message : "",
    );
  }
  return live;
}
