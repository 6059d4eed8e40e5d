import type { Context } from "hono";
import { z } from "zod";
import type { PublicEnv } from "../../env";
import type { MessageStatus } from "../../db/schema";
import { HELP_WORDS, OPT_IN_WORDS, OPT_OUT_WORDS } from "../../domain/keywords";
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
import { TWILIO_ERRORS } from "./errors";
import { verifyTwilioSignature } from "./signature";

type Params = Array<[string, string]>;

/** What the Twilio console shows for an account: both are fixed-length hex (the SID with its AC prefix). */
export const twilioCredentials = z.strictObject({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio Account SID (AC + 32 hex digits)"),
  authToken: z.string().regex(/^[0-9a-fA-F]{32}$/, "must be a Twilio auth token (32 hex digits)"),
});
export type TwilioCredentials = z.output<typeof twilioCredentials>;

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
 * signature.ts) are read as a flat object of strings. Every parameter is kept, unknown ones included:
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

const MEDIA_SID = /^ME[0-9a-fA-F]{32}$/;
/** Twilio sends at most 10; a bigger NumMedia is read up to this, and the pipeline refuses past its limit. */
const MEDIA_READ_MAX = 50;

/** NumMedia, MediaUrl{N}, MediaContentType{N} (twilio.com/docs/messaging/guides/webhook-request). */
function parseMedia(params: Params): InboundMedia[] {
  const count = Math.min(Number(get(params, "NumMedia") ?? "0") || 0, MEDIA_READ_MAX);
  const media: InboundMedia[] = [];
  for (let i = 0; i < count; i++) {
    const url = get(params, `MediaUrl${i}`);
    if (!url) continue;
    const last = url.split("?")[0]?.split("/").pop() ?? "";
    media.push({
      url,
      contentType: get(params, `MediaContentType${i}`) ?? "application/octet-stream",
      size: null,
      carrierMediaId: MEDIA_SID.test(last) ? last : null,
    });
  }
  return media;
}

/** A media URL of this account on Twilio's API host (or the configured TWILIO_API_BASE's, for fakes). */
function twilioMediaPath(url: string, apiBase: string, accountSid: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const hosts = new Set(["api.twilio.com", new URL(apiBase).host]);
  if (!hosts.has(parsed.host)) return null;
  const path =
    /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\/(?:SM|MM)[0-9a-fA-F]{32}\/Media\/ME[0-9a-fA-F]{32}$/;
  const match = path.exec(parsed.pathname);
  return match && match[1] === accountSid ? parsed.pathname : null;
}

const basicAuth = ({ accountSid, authToken }: TwilioCredentials) =>
  `Basic ${btoa(`${accountSid}:${authToken}`)}`;

function parseInbound(params: Params): CarrierEvent {
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
    text: {
      carrierMessageId: sid,
      from,
      to,
      body,
      carrierAutoReplied: Boolean(get(params, "OptOutType")),
      media: parseMedia(params),
    },
  };
}

function parseStatus(params: Params, url: string): CarrierEvent {
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

/**
 * Twilio expects TwiML back, with a content type: an empty 200 without one is logged as error 12300.
 * An empty <Response/> means "no reply from here"; replies are sent through the REST API instead.
 */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const answerTwiml = (c: Context<PublicEnv>) =>
  c.body(EMPTY_TWIML, 200, { "content-type": "text/xml; charset=utf-8" });

export const twilioAdapter: CarrierAdapter<Params, TwilioCredentials> = {
  name: "twilio",

  credentials: { schema: twilioCredentials, accountId: (credentials) => credentials.accountSid },

  apiBase: (env) => env.TWILIO_API_BASE || "https://api.twilio.com",

  webhooks: [
    {
      path: "/twilio/messages",
      endpoint: "messages",
      summary: "Twilio: a text arrived (X-Twilio-Signature)",
      answer: answerTwiml,
    },
    {
      path: "/twilio/status",
      endpoint: "status",
      summary: "Twilio: delivery status of a text we sent",
      answer: answerTwiml,
    },
  ],

  keywords: {
    // Twilio's default STOP filtering is on for every number unless the account turned it off.
    handledByDefault: true,
    // Every word of our own lists: Twilio's 2025 list is the FCC words plus START/YES/UNSTOP, HELP/INFO.
    // Whole body, single word, case-insensitive (support.twilio.com/hc/en-us/articles/223134027).
    answers: new Set([...OPT_OUT_WORDS, ...OPT_IN_WORDS, ...HELP_WORDS]),
  },

  errors: TWILIO_ERRORS,

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

  media: {
    // Twilio's media URLs need the account's Basic auth and answer with a redirect to its CDN.
    request(url, env, credentials) {
      const creds = twilioCredentials.safeParse(credentials);
      if (!creds.success) return null;
      const apiBase = twilioAdapter.apiBase(env);
      const path = twilioMediaPath(url, apiBase, creds.data.accountSid);
      if (!path) return null;
      return { url: `${apiBase}${path}`, headers: new Headers({ authorization: basicAuth(creds.data) }) };
    },
    // DELETE /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{Sid}.json: 204 once gone.
    async delete(file, context) {
      const creds = twilioCredentials.safeParse(context.credentials);
      if (!creds.success || !SID.test(file.carrierMessageId) || !MEDIA_SID.test(file.carrierMediaId)) {
        return false;
      }
      const result = await carrierFetch(
        context,
        `${context.apiBase}/2010-04-01/Accounts/${creds.data.accountSid}/Messages/${file.carrierMessageId}/Media/${file.carrierMediaId}.json`,
        { method: "DELETE", headers: { authorization: basicAuth(creds.data) } },
      );
      return "response" in result && (result.response.status === 204 || result.response.status === 404);
    },
  },

  async send(request, context) {
    const creds = twilioCredentials.safeParse(context.credentials);
    if (!creds.success) return misconfigured("The clinic number has no Twilio credentials.");
    const { accountSid, authToken } = creds.data;
    const form = new URLSearchParams({
      To: request.to,
      From: request.from,
      Body: request.body,
      // Our id rides in the callback URL (never PHI), so callbacks match even if Twilio's answer is lost.
      StatusCallback: `${context.publicBaseUrl}/webhooks/twilio/status?m=${request.messageId}`,
    });
    // MMS: one MediaUrl field per file (twilio.com/docs/messaging/api/message-resource#create-a-message-resource).
    for (const url of request.mediaUrls ?? []) form.append("MediaUrl", url);
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
    return refused(code, describeWith(TWILIO_ERRORS, code, body.message), retryable, retryAfterMs(response));
  },

  // GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json (twilio.com/docs/messaging/api/message-resource#fetch-a-message-resource)
  async fetchStatus(carrierMessageId, context) {
    const creds = twilioCredentials.safeParse(context.credentials);
    // Only a real SID goes into the path: the id came from a webhook, and must not steer the URL.
    if (!creds.success || !SID.test(carrierMessageId)) return null;
    const { accountSid, authToken } = creds.data;
    const result = await carrierFetch(
      context,
      `${context.apiBase}/2010-04-01/Accounts/${accountSid}/Messages/${carrierMessageId}.json`,
      { method: "GET", headers: { authorization: `Basic ${btoa(`${accountSid}:${authToken}`)}` } },
    );
    if ("failure" in result || !result.response.ok) return null;
    const json: unknown = await result.response.json().catch(() => null);
    const data = z
      .object({
        sid: z.literal(carrierMessageId),
        status: z.string(),
        error_code: z.union([z.number(), z.string()]).nullish(),
      })
      .safeParse(json);
    const status = data.success ? STATUS[data.data.status] : undefined;
    if (!data.success || !status) return null;
    const code = data.data.error_code;
    return { status, errorCode: code === undefined || code === null ? null : String(code) };
  },
};
