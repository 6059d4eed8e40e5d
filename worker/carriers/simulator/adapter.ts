import { z } from "zod";
import { MESSAGE_MAX_LENGTH } from "../../shared/messages";
import { toE164 } from "../../shared/phone";
import { badRequest } from "../../lib/errors";
import type { CarrierAdapter } from "../carrier";
import { parseJsonBody } from "../carrier";

const payload = z.strictObject({
  from: z.string().max(40),
  to: z.string().max(40),
  body: z.string().min(1).max(MESSAGE_MAX_LENGTH),
});

/**
 * The embedded carrier for local development: the simulator page plays the patient's phone. It has no
 * signature and no webhook URL: routes/simulator.ts feeds it, and exists only where SIMULATOR_ENABLED=true.
 * Its sends touch no network: the text is simply delivered, and the simulator page reads it back from D1.
 */
export const simulatorAdapter: CarrierAdapter<z.output<typeof payload>, never> = {
  name: "simulator",

  credentials: null,

  apiBase: () => "",

  webhooks: [],

  // No carrier filter: every confirmation comes from us.
  keywords: { handledByDefault: false, answers: new Set() },

  errors: {},

  locate(raw) {
    const json = parseJsonBody(raw.rawBody);
    const parsed = payload.safeParse(json);
    if (!parsed.success) throw badRequest("Send { from, to, body }.", "malformed_body");
    const numberE164 = toE164(parsed.data.to);
    if (!numberE164) throw badRequest("to is not a phone number.", "malformed_body");
    return { payload: parsed.data, numberE164 };
  },

  verify() {
    return Promise.resolve(true);
  },

  parse(_raw, located) {
    const from = toE164(located.payload.from);
    if (!from) throw badRequest("from is not a phone number.", "malformed_body");
    return {
      type: "inbound",
      eventId: null,
      text: {
        carrierMessageId: `SIM${crypto.randomUUID().replaceAll("-", "")}`,
        from,
        to: located.numberE164,
        body: located.payload.body,
        carrierAutoReplied: false,
      },
    };
  },

  send() {
    return Promise.resolve({
      ok: true,
      carrierMessageId: `SIM${crypto.randomUUID().replaceAll("-", "")}`,
      status: "delivered",
    });
  },
};
