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
import { verifyTwilioSignature } from "./twilio-signature";

type Params = Array<[string, string]>;

export const twilioCredentials = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  authToken: z.string().min(1),
});

/** Twilio's MessageStatus values (twilio-node MessageStatus enum) reduced to ours. */
const STATUS: Partial<Record<string, MessageStatus>> = {
  accepted: "queued",
  scheduled: "queued",
  queued: "queued",
  sending: "sending",
  sent: "sent",
  delivered: "delivered",
  read: "delivered",
  undelivered: "undelivered",
  failed: "failed",
  canceled: "failed",
};

const SID = /^(?:SM|MM)[0-9a-fA-F]{32}$/;

/**
 * Form bodies are the norm for messaging webhooks; JSON ones (signed with `bodySHA256`, see
 * twilio-signature.ts) are read as a flat object of strings. Every parameter is kept, unknown ones included:
 * Twilio adds parameters without notice and they are all part of the signature.
 */
function readParams(contentType: string, rawBody: string): Params {
  if (contentType.toLowerCase().includes("application/json")) {
    const parsed = parseJsonBody(rawBody);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw badRequest("The body must be a JSON object.", "malformed_body");
    }
    return Object.entries(parsed).map(([k, v]): [string, string] => [
      k,
      typeof v === "string" ? v : JSON.stringify(v),
    ]);
  }
  return [...new URLSearchParams(rawBody)];
}

const get = (params: Params, key: string) => params.find(([k]) => k === key)?.[1];

function parseInbound(params: Params): WebhookEvent {
  const sid = get(params, "MessageSid") ?? "";
  if (!SID.test(sid)) throw badRequest("MessageSid is missing or malformed.", "malformed_body");
  const from = toE164(get(params, "From") ?? "");
  if (!from) throw badRequest("From is missing or not a phone number.", "malformed_body");
  const body = get(params, "Body");
  if (body === undefined) throw badRequest("Body is missing.", "malformed_body");
  const to = get(params, "To") ?? "";
  return {
    type: "inbound",
    eventId: null,
    // Twilio sends OptOutType only with Advanced Opt-Out, and then it has answered the keyword itself.
    text: { carrierMessageId: sid, from, to, body, carrierAutoReplied: Boolean(get(params, "OptOutType")) },
  };
}

function parseStatus(params: Params, url: string): WebhookEvent {
  const sid = get(params, "MessageSid") ?? "";
  if (!SID.test(sid)) throw badRequest("MessageSid is missing or malformed.", "malformed_body");
  const raw = get(params, "MessageStatus") ?? get(params, "SmsStatus");
  if (!raw) throw badRequest("MessageStatus is missing.", "malformed_body");
  const status = STATUS[raw];
  if (!status) return { type: "ignored", eventId: null, reason: `status ${raw}` };
  const ours = Number(new URL(url).searchParams.get("m"));
  return {
    type: "status",
    eventId: null,
    report: {
      carrierMessageId: sid,
      status,
      errorCode: get(params, "ErrorCode") || null,
      ourMessageId: Number.isSafeInteger(ours) && ours > 0 ? ours : null,
    },
  };
}

export const twilioAdapter: CarrierAdapter<Params> = {
  name: "twilio",

  locate(raw) {
    const payload = readParams(raw.contentType, raw.rawBody);
    // Inbound: To is the clinic number. Status callbacks: From is (the text went from us to the patient).
    const field = raw.endpoint === "status" ? "From" : "To";
    const numberE164 = toE164(get(payload, field) ?? "");
    if (!numberE164) throw badRequest(`${field} is missing or not a phone number.`, "malformed_body");
    return { payload, numberE164 };
  },

  async verify(raw, located, credentials) {
    const parsed = twilioCredentials.safeParse(credentials);
    if (!parsed.success) return false;
    return verifyTwilioSignature({
      authToken: parsed.data.authToken,
      signature: raw.headers.get("x-twilio-signature"),
      url: raw.url,
      contentType: raw.contentType,
      rawBody: raw.rawBody,
      params: located.payload,
    });
  },

  parse(raw, located, number) {
    // A valid signature from a token we hold, but for another account's number: refuse it.
    if (get(located.payload, "AccountSid") !== number.carrierAccountId) {
      throw forbidden("This webhook belongs to another account.", "wrong_account");
    }
    return raw.endpoint === "status" ? parseStatus(located.payload, raw.url) : parseInbound(located.payload);
  },

  async send(request, context) {
    const creds = twilioCredentials.safeParse(context.credentials);
    if (!creds.success) return refused("config", "The clinic number has no Twilio credentials.");
    const { accountSid, authToken } = creds.data;
    const form = new URLSearchParams({
      To: request.to,
      From: request.from,
      Body: request.body,
      // Our id rides in the callback URL (never PHI), so callbacks match even if Twilio's answer is lost.
      StatusCallback: `${context.publicBaseUrl}/webhooks/twilio/status?m=${request.messageId}`,
    });
    const result = await carrierFetch(
      context,
      `${context.apiBase}/2010-04-01/Accounts/${accountSid}/Messages.json`,
      {
        method: "POST",
        headers: {
          authorization: `Basic ${btoa(`${accountSid}:${authToken}`)}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: form.toString(),
      },
    );
    if ("failure" in result) return ambiguousFailure(result.failure);
    const { response } = result;
    const json: unknown = await response.json().catch(() => null);
    const data = z
      .object({
        sid: z.string().optional(),
        // A string on success ("queued"); the HTTP status number on errors.
        status: z.union([z.string(), z.number()]).optional(),
        code: z.union([z.number(), z.string()]).optional(),
        message: z.string().optional(),
      })
      .safeParse(json);
    const body = data.success ? data.data : {};
    if (response.ok && body.sid) {
      return { ok: true, carrierMessageId: body.sid, status: STATUS[String(body.status)] ?? "queued" };
    }
    const code = body.code === undefined ? `http_${response.status}` : String(body.code);
    // 429 (20429) and 5xx mean Twilio did not take the message: safe to try again after a pause.
    const retryable = response.status === 429 || response.status >= 500;
    return refused(code, describeCarrierError(code, body.message).reason, retryable, retryAfterMs(response));
  },
};
