import type { Carrier } from "../db/schema";
import type { CarrierAdapter } from "./carrier";
import { simulatorAdapter } from "./simulator";
import { telnyxAdapter } from "./telnyx";
import { twilioAdapter } from "./twilio";

export type CarrierSender = Pick<CarrierAdapter, "name" | "send">;

const SENDERS: Record<Carrier, CarrierSender> = {
  twilio: twilioAdapter,
  telnyx: telnyxAdapter,
  simulator: simulatorAdapter,
};

/** The send half of a carrier's adapter (webhook routes use the adapters directly). */
export function senderFor(carrier: Carrier): CarrierSender {
  return SENDERS[carrier];
}
