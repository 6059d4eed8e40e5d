import type { Env } from "../env";

/**
 * The Durable Object of one clinic number (realtime/clinic-number-hub.ts). Named by the number's id, so
 * every Worker instance reaches the same one.
 */
export function hubFor(env: Pick<Env, "CLINIC_NUMBER_HUB">, numberId: number) {
  return env.CLINIC_NUMBER_HUB.getByName(String(numberId));
}
