import { z } from "zod";
import type { MessageStatus } from "../../db/schema";
import { toE164 } from "../../shared/phone";
import { badRequest, forbidden } from "../../lib/errors";
import {
  ambiguousFailure,
  carrierFetch,
  describeWith,
  misconfigured,
  refused,
  retryAfterMs,
  type CarrierAdapter,
  type CarrierEvent,
  type InboundMedia,
  parseJsonBody,
} from "../carrier";
import { TELNYX_ERRORS } from "./errors";
import { verifyTelnyxSignature } from "./signature";

/** From Mission Control: an API key, the account's webhook public key and, optionally, the profile id. */
export const telnyxCredentials = z.strictObject({
  apiKey: z.string().min(10).max(200),
  publicKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "must be the base64 Ed25519 public key from Mission Control"),
  messagingProfileId: z.string().max(100).optional(),
});
export type TelnyxCredentials = z.output<typeof telnyxCredentials>;

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
      // MMS (developers.telnyx.com/docs/messaging/messages/send-receive-mms): signed URLs, short-lived.
      media: z
        .array(
          z.object({
            url: z.string().max(4096).nullish(),
            content_type: z.string().max(200).nullish(),
            size: z.number().int().nonnegative().nullish(),
          }),
        )
        .max(50)
        .nullish(),
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

export const telnyxAdapter: CarrierAdapter<Envelope, TelnyxCredentials> = {
  name: "telnyx",

  // The public key is per Telnyx account; the profile id is what tells one practice's webhooks from another's.
  credentials: {
    schema: telnyxCredentials,
    accountId: (credentials) => credentials.messagingProfileId ?? null,
  },

  apiBase: (env) => env.TELNYX_API_BASE || "https://api.telnyx.com",

  webhooks: [
    {
      path: "/telnyx",
      endpoint: "events",
      summary: "Telnyx: message.received, message.sent, message.finalized",
      answer: (c, outcome) => c.json({ ok: true, outcome }, 200),
    },
  ],

  keywords: {
    // Unset, we send the confirmations ourselves; an admin turns this on where the profile answers them.
    handledByDefault: false,
    // Its default list includes "STOP ALL" but not REVOKE/OPTOUT
    // (developers.telnyx.com/docs/messaging/messages/advanced-opt-in-out).
    answers: new Set([
      "stop",
      "stopall",
      "stop all",
      "unsubscribe",
      "cancel",
      "end",
      "quit",
      "start",
      "unstop",
      "help",
      "info",
    ]),
  },

  errors: TELNYX_ERRORS,

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

  parse(_raw, located, number): CarrierEvent {
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
      const media: InboundMedia[] = (p.media ?? []).flatMap((m) =>
        m.url
          ? [
              {
                url: m.url,
                contentType: m.content_type ?? "application/octet-stream",
                size: m.size ?? null,
                carrierMediaId: null,
              },
            ]
          : [],
      );
      // An MMS may carry no text at all; an SMS without text is malformed.
      if (typeof p.text !== "string" && media.length === 0) {
        throw badRequest("text is missing.", "malformed_body");
      }
      return {
        type: "inbound",
        eventId: data.id,
        text: {
          carrierMessageId: p.id,
          from,
          to: located.numberE164,
          body: p.text ?? "",
          carrierAutoReplied: Boolean(p.autoresponse_type),
          media,
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

  media: {
    // Signed URLs that need no auth, on Telnyx's own hosts (or the configured base, for fakes).
    request(url, env) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return null;
      }
      const base = new URL(telnyxAdapter.apiBase(env)).host;
      const host = parsed.host.toLowerCase();
      const telnyxHost =
        host === base ||
        host === "telnyx.com" ||
        host.endsWith(".telnyx.com") ||
        /^telnyx[a-z0-9-]*\.s3[a-z0-9.-]*\.amazonaws\.com$/.test(host);
      return telnyxHost ? { url: parsed.toString(), headers: new Headers() } : null;
    },
  },

  async send(request, context) {
    const creds = telnyxCredentials.safeParse(context.credentials);
    if (!creds.success) return misconfigured("The clinic number has no Telnyx credentials.");
    const result = await carrierFetch(context, `${context.apiBase}/v2/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${creds.data.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        from: request.from,
        to: request.to,
        text: request.body,
        // MMS: Telnyx fetches each URL itself (developers.telnyx.com/api/messaging/send-message).
        ...(request.mediaUrls?.length ? { media_urls: request.mediaUrls } : {}),
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
      describeWith(TELNYX_ERRORS, code, first?.detail ?? first?.title),
      retryable,
      retryAfterMs(response),
    );
  },

  // GET /v2/messages/{id} (developers.telnyx.com/api/messaging/get-message): the same record as the webhooks.
  async fetchStatus(carrierMessageId, context) {
    const creds = telnyxCredentials.safeParse(context.credentials);
    if (!creds.success) return null;
    const result = await carrierFetch(
      context,
      `${context.apiBase}/v2/messages/${encodeURIComponent(carrierMessageId)}`,
      { method: "GET", headers: { authorization: `Bearer ${creds.data.apiKey}` } },
    );
    if ("failure" in result || !result.response.ok) return null;
    const json: unknown = await result.response.json().catch(() => null);
    const data = z
      .object({
        data: z.object({
          id: z.literal(carrierMessageId),
          to: z.array(z.object({ status: z.string().optional() })).min(1),
          errors: z.array(z.object({ code: z.union([z.string(), z.number()]) })).nullish(),
        }),
      })
      .safeParse(json);
    const status = data.success ? STATUS[data.data.data.to[0]?.status ?? ""] : undefined;
    if (!data.success || !status) return null;
    const code = data.data.data.errors?.[0]?.code;
    return { status, errorCode: code === undefined ? null : String(code) };
  },
};
