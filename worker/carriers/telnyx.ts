import { z } from "zod";
import type { MessageStatus } from "../db/schema";
import { describeCarrierError } from "../domain/carrier-errors";
import { toE164 } from "../shared/phone";
import { badRequest, forbidden } from "../lib/errors";
import {
  ambiguousFailure,
  carrierFetch,
  refused,
  retryAfterMs,
  type CarrierAdapter,
  type WebhookEvent,
  parseJsonBody,
} from "./carrier";
import { verifyTelnyxSignature } from "./telnyx-signature";

export const telnyxCredentials = z.object({
  apiKey: z.string().min(1),
  publicKey: z.string().min(1),
  messagingProfileId: z.string().optional(),
});

const phone = z.object({ phone_number: z.string() });
/** The parts of the v2 messaging event envelope we use (telnyx-node src/resources/messages/messages.ts). */
const envelope = z.object({
  data: z.object({
    id: z.string().min(1).max(100),
    event_type: z.string(),
    payload: z.object({
      id: z.string().min(1).max(100),
      direction: z.string().optional(),
      messaging_profile_id: z.string().nullish(),
      from: phone,
      // An array for SMS/MMS (a string only for WhatsApp, which we do not take).
      to: z.array(phone.extend({ status: z.string().optional() })).min(1),
      text: z.string().nullish(),
      autoresponse_type: z.string().nullish(),
      errors: z.array(z.object({ code: z.union([z.string(), z.number()]) })).nullish(),
    }),
  }),
});
type Envelope = z.output<typeof envelope>;

/** `to[].status` (developers.telnyx.com/docs/messaging/messages/receiving-webhooks) reduced to ours. */
const STATUS: Partial<Record<string, MessageStatus>> = {
  queued: "queued",
  sending: "sending",
  sent: "sent",
  delivered: "delivered",
  sending_failed: "failed",
  delivery_failed: "undelivered",
  // The carrier never confirmed: it left, which is all "sent" promises.
  delivery_unconfirmed: "sent",
};

const isInbound = (e: Envelope) => e.data.event_type === "message.received";

export const telnyxAdapter: CarrierAdapter<Envelope> = {
  name: "telnyx",

  locate(raw) {
    const json = parseJsonBody(raw.rawBody);
    const parsed = envelope.safeParse(json);
    if (!parsed.success) throw badRequest("The body is not a Telnyx messaging event.", "malformed_body");
    const p = parsed.data.data.payload;
    const clinic = isInbound(parsed.data) ? p.to[0]?.phone_number : p.from.phone_number;
    const numberE164 = toE164(clinic ?? "");
    if (!numberE164) throw badRequest("The clinic number is not a phone number.", "malformed_body");
    return { payload: parsed.data, numberE164 };
  },

  async verify(raw, _located, credentials, now) {
    const parsed = telnyxCredentials.safeParse(credentials);
    if (!parsed.success) return false;
    return verifyTelnyxSignature({
      publicKey: parsed.data.publicKey,
      signature: raw.headers.get("telnyx-signature-ed25519"),
      timestamp: raw.headers.get("telnyx-timestamp"),
      rawBody: raw.rawBody,
      nowSeconds: Math.floor(now / 1000),
    });
  },

  parse(_raw, located, number): WebhookEvent {
    const { data } = located.payload;
    const p = data.payload;
    // The public key is per Telnyx account; the profile id tells one practice's profile from another's.
    if (
      number.carrierAccountId &&
      p.messaging_profile_id &&
      p.messaging_profile_id !== number.carrierAccountId
    ) {
      throw forbidden("This webhook belongs to another messaging profile.", "wrong_account");
    }
    if (isInbound(located.payload)) {
      const from = toE164(p.from.phone_number);
      if (!from) throw badRequest("from is not a phone number.", "malformed_body");
      if (typeof p.text !== "string") throw badRequest("text is missing.", "malformed_body");
      return {
        type: "inbound",
        eventId: data.id,
        text: {
          carrierMessageId: p.id,
          from,
          to: located.numberE164,
          body: p.text,
          carrierAutoReplied: Boolean(p.autoresponse_type),
        },
      };
    }
    if (data.event_type !== "message.sent" && data.event_type !== "message.finalized") {
      return { type: "ignored", eventId: data.id, reason: data.event_type };
    }
    const status = STATUS[p.to[0]?.status ?? ""];
    if (!status) return { type: "ignored", eventId: data.id, reason: "status" };
    const code = p.errors?.[0]?.code;
    return {
      type: "status",
      eventId: data.id,
      report: {
        carrierMessageId: p.id,
        status,
        errorCode: code === undefined ? null : String(code),
        ourMessageId: null,
      },
    };
  },

  async send(request, context) {
    const creds = telnyxCredentials.safeParse(context.credentials);
    if (!creds.success) return refused("config", "The clinic number has no Telnyx credentials.");
    const result = await carrierFetch(context, `${context.apiBase}/v2/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${creds.data.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        from: request.from,
        to: request.to,
        text: request.body,
        webhook_url: `${context.publicBaseUrl}/webhooks/telnyx`,
      }),
    });
    if ("failure" in result) return ambiguousFailure(result.failure);
    const { response } = result;
    const json: unknown = await response.json().catch(() => null);
    const ok = z.object({ data: z.object({ id: z.string() }) }).safeParse(json);
    if (response.ok && ok.success) return { ok: true, carrierMessageId: ok.data.data.id, status: "queued" };
    const err = z
      .object({
        errors: z
          .array(
            z.object({
              code: z.union([z.string(), z.number()]),
              detail: z.string().optional(),
              title: z.string().optional(),
            }),
          )
          .min(1),
      })
      .safeParse(json);
    const first = err.success ? err.data.errors[0] : undefined;
    const code = first ? String(first.code) : `http_${response.status}`;
    const retryable = response.status === 429 || response.status >= 500;
    return refused(
      code,
      describeCarrierError(code, first?.detail ?? first?.title).reason,
      retryable,
      retryAfterMs(response),
    );
  },
};
