import { z } from "zod";
import type { Carrier } from "../db/schema";
import { describeWith, type CarrierAdapter, type CarrierErrorInfo } from "./carrier";
import { simulatorAdapter } from "./simulator/adapter";
import { telnyxAdapter } from "./telnyx/adapter";
import { twilioAdapter } from "./twilio/adapter";

/**
 * Every carrier Textdesk speaks. Adding one is a folder beside these that exports a CarrierAdapter, its name
 * in CARRIERS (db/schema), and one line here: the admin route, the webhook routes, the send path, keyword
 * replies and error reasons all read this list.
 */
export const CARRIER_ADAPTERS = [twilioAdapter, telnyxAdapter, simulatorAdapter] as const;

type Listed = (typeof CARRIER_ADAPTERS)[number];
// A name in CARRIERS without an adapter here fails to compile, instead of failing on the first text.
const everyCarrierListed: [Exclude<Carrier, Listed["name"]>] extends [never] ? true : never = true;
void everyCarrierListed;

export function carrierAdapter(carrier: Carrier): CarrierAdapter {
  const adapter = CARRIER_ADAPTERS.find((a) => a.name === carrier);
  if (!adapter) throw new Error(`no adapter for carrier ${carrier}`);
  return adapter;
}

export type CarrierSender = Pick<CarrierAdapter, "name" | "send">;

/** The send half of a carrier's adapter. */
export function senderFor(carrier: Carrier): CarrierSender {
  return carrierAdapter(carrier);
}

/**
 * Any carrier's credentials, whichever carrier: the shape of the admin route's `credentials` field (and of
 * its OpenAPI entry). Which carrier they must fit is checked by `numberCredentials`, which knows the carrier.
 */
export const anyCarrierCredentials = z.union(
  CARRIER_ADAPTERS.flatMap((a) => (a.credentials ? [a.credentials.schema] : [])),
);
export type AnyCarrierCredentials = z.output<typeof anyCarrierCredentials>;

/** A carrier that takes credentials needs them; one that takes none (the simulator) refuses any. */
function credentialsFieldOf(adapter: Listed) {
  if (adapter.credentials === null) {
    return z.undefined({ error: `the ${adapter.name} takes no credentials` }).optional();
  }
  return z
    .custom<unknown>((value) => value !== undefined, { error: `required for ${adapter.name}` })
    .pipe(adapter.credentials.schema);
}

/**
 * The carrier and its credentials together, as one discriminated union of the adapters' own schemas: the
 * only rule for what may be stored for a number. A failure names the field ("credentials.authToken: …").
 */
export const numberCredentials = z.discriminatedUnion(
  "carrier",
  nonEmpty(
    CARRIER_ADAPTERS.map((adapter) =>
      z.strictObject({ carrier: z.literal(adapter.name), credentials: credentialsFieldOf(adapter) }),
    ),
  ),
);

function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error("CARRIER_ADAPTERS is empty");
  return [first, ...rest];
}

/**
 * A carrier error code to a reason staff can act on. Status reports name no carrier, which is safe because
 * the adapters' codes never collide (registry.test.ts).
 */
export function describeCarrierError(code: string | null, fallback?: string): CarrierErrorInfo {
  const table = CARRIER_ADAPTERS.find((a) => code !== null && Object.hasOwn(a.errors, code))?.errors ?? {};
  return describeWith(table, code, fallback);
}
