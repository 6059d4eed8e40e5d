import { z } from "zod";
import { MESSAGE_MAX_LENGTH } from "../../shared/messages";
import { toE164 } from "../../shared/phone";
import { UPLOAD_MAX_BYTES } from "../../shared/media";
import { base64ToBytes } from "../../lib/crypto";
import { badRequest, payloadTooLarge } from "../../lib/errors";
import type { CarrierAdapter, InboundMedia } from "../carrier";
import { parseJsonBody } from "../carrier";

/** A phone attaches at most this many files to one simulated text. */
export const SIMULATOR_MEDIA_MAX = 3;

const payload = z
  .strictObject({
    from: z.string().max(40),
    to: z.string().max(40),
    body: z.string().max(MESSAGE_MAX_LENGTH),
    media: z
      .array(
        z.strictObject({
          contentType: z.string().max(100),
          // base64 of the file; the decoded total is checked below.
          data: z.string().max(Math.ceil((UPLOAD_MAX_BYTES * 4) / 3) + 8),
        }),
      )
      .max(SIMULATOR_MEDIA_MAX)
      .optional(),
  })
  .refine((p) => p.body.length > 0 || (p.media?.length ?? 0) > 0, "body is empty");

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
    if (!parsed.success) throw badRequest("Send { from, to, body, media? }.", "malformed_body");
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
    const media: InboundMedia[] = [];
    let total = 0;
    for (const file of located.payload.media ?? []) {
      let data: Uint8Array;
      try {
        data = base64ToBytes(file.data);
      } catch {
        throw badRequest("media data is not base64.", "malformed_body");
      }
      total += data.byteLength;
      if (total > UPLOAD_MAX_BYTES) throw payloadTooLarge("The attached files are over 5 MB in all.");
      media.push({
        url: null,
        contentType: file.contentType,
        size: data.byteLength,
        carrierMediaId: null,
        data,
      });
    }
    return {
      type: "inbound",
      eventId: null,
      text: {
        carrierMessageId: `SIM${crypto.randomUUID().replaceAll("-", "")}`,
        from,
        to: located.numberE164,
        body: located.payload.body,
        carrierAutoReplied: false,
        media,
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
