import type { Context } from "hono";
import type { z } from "zod";
import type { PublicEnv, Env } from "../env";
import type { Carrier, ClinicNumber, MessageStatus } from "../db/schema";
import { badRequest } from "../lib/errors";

/** A text a patient sent, as every carrier's webhook reduces to it. */
export type InboundText = {
  carrierMessageId: string;
  /** The patient's phone, E.164. */
  from: string;
  /** The clinic number, E.164. */
  to: string;
  body: string;
  /** The carrier answered a keyword itself (Twilio `OptOutType`, Telnyx `autoresponse_type`). */
  carrierAutoReplied: boolean;
  /** Photos and files (MMS) in the carrier's order; [] for a plain text. Copied into R2 after the answer. */
  media: InboundMedia[];
};

/** One file of an inbound text as the carrier describes it (never logged: the URL may be a capability). */
export type InboundMedia = {
  /** Where the carrier serves it; null for the simulator, whose bytes come with the text. */
  url: string | null;
  /** What the carrier says it is; checked against the bytes once fetched. */
  contentType: string;
  /** Bytes, when the carrier says (Telnyx does). */
  size: number | null;
  /** Twilio's MediaSid (ME…), to delete the carrier's copy after ours is verified. */
  carrierMediaId: string | null;
  /** The simulator's attached file. */
  data?: Uint8Array;
};

/** How the media pipeline fetches (and may delete) a carrier's copy of an inbound file. */
export type CarrierMedia = {
  /**
   * The first request for a file: the URL to fetch (Twilio's through TWILIO_API_BASE, same path) and the
   * headers the carrier wants (Twilio's Basic auth). Null when the URL is not on the carrier's host, so the
   * file is refused with a note and never fetched.
   */
  request(url: string, env: Env, credentials: unknown): { url: string; headers: Headers } | null;
  /** Deletes the carrier's copy after ours is verified (Twilio `DELETE …/Media/{sid}.json`); true when gone. */
  delete?(file: { carrierMessageId: string; carrierMediaId: string }, context: SendContext): Promise<boolean>;
};

/** A delivery report for a text we sent. */
export type StatusReport = {
  carrierMessageId: string;
  status: MessageStatus;
  errorCode: string | null;
  /** Our own message id, when the callback URL carried it (Twilio): adopts a send whose answer was lost. */
  ourMessageId: number | null;
};

/**
 * What one carrier webhook request carries once verified: at most one inbound text or one status report.
 * (Not the practice-system webhook events of messaging/practice-webhooks.ts: those go out, these come in.)
 */
export type CarrierEvent =
  | { type: "inbound"; eventId: string | null; text: InboundText }
  | { type: "status"; eventId: string | null; report: StatusReport }
  | { type: "ignored"; eventId: string | null; reason: string };

export type OutboundRequest = {
  from: string;
  to: string;
  body: string;
  /** Our message id, so the carrier's callbacks can be matched even if its answer to us is lost. */
  messageId: number;
  /** MMS: capability URLs the carrier fetches each file from (messaging/media.ts); absent or [] for SMS. */
  mediaUrls?: readonly string[];
};

/**
 * The result of one send attempt. `retryable` only when the carrier certainly did not create the message
 * (a 429, a 5xx answer); `ambiguous` when the request may have reached it (timeout, dropped connection),
 * which must never be retried because neither Twilio nor Telnyx takes an idempotency key.
 */
export type SendOutcome =
  | { ok: true; carrierMessageId: string; status: MessageStatus }
  | {
      ok: false;
      status: MessageStatus;
      code: string;
      reason: string;
      retryable: boolean;
      ambiguous: boolean;
      retryAfterMs: number | null;
      /** The carrier says the patient opted out (Twilio 21610, Telnyx 40300). */
      optedOut: boolean;
    };

/**
 * What the carrier's REST API says became of a text it accepted (the stuck-send sweeper asks,
 * jobs/sweep-stuck-sends.ts). `errorCode` is the carrier's, looked up in its `errors` table.
 */
export type StatusLookup = { status: MessageStatus; errorCode: string | null };

export type SendContext = {
  number: ClinicNumber;
  /** Decrypted credentials of the number's account. */
  credentials: unknown;
  apiBase: string;
  publicBaseUrl: string;
  fetch: typeof fetch;
};

/** A webhook request as it arrived: the raw body is kept because signatures cover its exact bytes. */
export type RawWebhook = {
  endpoint: "messages" | "status" | "events";
  /** The public URL the carrier called (PUBLIC_BASE_URL + path + query): what Twilio signs. */
  url: string;
  headers: Headers;
  contentType: string;
  rawBody: string;
};

/** The body, parsed once, and the clinic number (E.164) it is for. */
export type Located<P> = { payload: P; numberE164: string };

/** How the inbound pipeline answered one webhook (messaging/receive-webhook.ts). */
export type WebhookOutcome = "stored" | "duplicate" | "status" | "ignored";

/** One webhook URL of a carrier, mounted under /webhooks by routes/carrier-webhooks.ts. */
export type CarrierWebhookRoute = {
  /** Below /webhooks, e.g. "/twilio/messages": the URL the carrier is configured with, never renamed. */
  path: string;
  endpoint: RawWebhook["endpoint"];
  /** The OpenAPI summary. */
  summary: string;
  /** The 200 the carrier expects once the pipeline is done (errors are answered by the app's handler). */
  answer(c: Context<PublicEnv>, outcome: WebhookOutcome): Response;
};

/** What an admin enters for a number on this carrier, and what of it names the account. */
export type CredentialRules<C> = {
  /** The one rule for these credentials: checked when an admin saves them and again before each use. */
  schema: z.ZodType<C, C>;
  /** The account (or profile) id stored in plain text beside the sealed credentials, for `parse`. */
  accountId(credentials: C): string | null;
};

/** Which keywords the carrier answers itself, so we never send a second confirmation. */
export type CarrierKeywords = {
  /** Whether a number whose admin never set "the carrier handles STOP" has the carrier's filter on. */
  handledByDefault: boolean;
  /** Normalised keywords (domain/keywords.ts) the carrier's own filter answers when the whole body is one. */
  answers: ReadonlySet<string>;
};

/** A carrier error code to a reason a front-desk person can act on. */
export type CarrierErrorInfo = {
  reason: string;
  /** The carrier blocks this phone because it opted out: record the opt-out on our side too. */
  optedOut: boolean;
};

export type CarrierErrorTable = Readonly<Record<string, CarrierErrorInfo>>;

/**
 * One carrier, whatever its wire format: the inbound pipeline, the send path, the admin route and the
 * webhook routes only see this. Adding a carrier is one folder that exports one of these, and one line in
 * registry.ts. `locate` and `parse` throw AppError 400 for a malformed body; `parse` throws 403 for another
 * account's webhook.
 */
export interface CarrierAdapter<P = unknown, C = unknown> {
  readonly name: Carrier;
  /** Null: the carrier takes no credentials (the simulator). */
  readonly credentials: CredentialRules<C> | null;
  /** The REST origin, from Env so tests and benchmarks can point it at a fake carrier. */
  apiBase(env: Env): string;
  readonly webhooks: readonly CarrierWebhookRoute[];
  readonly keywords: CarrierKeywords;
  /** Codes are unique across carriers (registry.test.ts checks): a status report names no carrier. */
  readonly errors: CarrierErrorTable;
  /** Absent: the carrier sends no media URLs (the simulator's files come with the text). */
  readonly media?: CarrierMedia;
  locate(raw: RawWebhook): Located<P>;
  verify(raw: RawWebhook, located: Located<P>, credentials: unknown, now: number): Promise<boolean>;
  parse(raw: RawWebhook, located: Located<P>, number: ClinicNumber): CarrierEvent;
  send(request: OutboundRequest, context: SendContext): Promise<SendOutcome>;
  /**
   * Asks the carrier for the current status of a text it accepted, by its id. Null when it could not be
   * learnt (no answer, an error, an unknown id): the caller decides what that means. Absent for a carrier
   * that has no such query (the simulator, whose texts are settled the moment they are sent).
   */
  fetchStatus?(carrierMessageId: string, context: SendContext): Promise<StatusLookup | null>;
}

/** The table's entry for `code`, or a reason built from the carrier's own message. */
export function describeWith(
  table: CarrierErrorTable,
  code: string | null,
  fallback?: string,
): CarrierErrorInfo {
  const known = code !== null && Object.hasOwn(table, code) ? table[code] : undefined;
  if (known) return known;
  return {
    reason: fallback
      ? `The carrier refused the text: ${fallback}`
      : "The carrier could not deliver the text.",
    optedOut: false,
  };
}

/** Wording shared by several carriers' tables, so the same situation reads the same whatever the carrier. */
export const REASONS = {
  optedOut: "The patient replied STOP to this number, so the carrier blocks texts to them.",
  cannotText: "This number cannot receive texts (it may be a landline or not a valid mobile number).",
  unreachable: "The patient's phone is off or out of reach.",
  spam: "The patient's carrier filtered the text as possible spam.",
} as const;

/** A carrier call that gets no answer in this long is treated as "maybe sent" (see SendOutcome). */
export const SEND_TIMEOUT_MS = 10_000;

/** Sends with a timeout; turns network failures into a typed result instead of a throw. */
export async function carrierFetch(
  context: SendContext,
  url: string,
  init: RequestInit,
): Promise<{ response: Response } | { failure: "timeout" | "network" }> {
  try {
    const response = await context.fetch(url, { ...init, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    return { response };
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    return { failure: name === "TimeoutError" || name === "AbortError" ? "timeout" : "network" };
  }
}

/** "Retry-After" in seconds (Twilio and Telnyx both send seconds), bounded so a send never stalls long. */
export function retryAfterMs(response: Response): number | null {
  const value = Number(response.headers.get("retry-after"));
  return Number.isFinite(value) && value > 0 ? Math.min(value * 1000, 5_000) : null;
}

/** A send the carrier definitely refused: nothing went out, so a retryable one may safely be tried again. */
export function refused(
  code: string,
  info: CarrierErrorInfo,
  retryable = false,
  retryAfter: number | null = null,
): SendOutcome {
  return {
    ok: false,
    status: "failed",
    code,
    reason: info.reason,
    retryable,
    ambiguous: false,
    retryAfterMs: retryAfter,
    optedOut: info.optedOut,
  };
}

/** Our own refusal before any request: the number's stored credentials do not fit its carrier. */
export function misconfigured(reason: string): SendOutcome {
  return refused("config", { reason, optedOut: false });
}

export function ambiguousFailure(failure: "timeout" | "network"): SendOutcome {
  return {
    ok: false,
    status: "sending",
    code: failure,
    reason:
      failure === "timeout"
        ? "The carrier did not answer in time. The text may still go out, so it was not sent again."
        : "The connection to the carrier failed. The text may still go out, so it was not sent again.",
    retryable: false,
    ambiguous: true,
    retryAfterMs: null,
    optedOut: false,
  };
}

/** The raw webhook body as JSON, or a 400 that says so: never a 500 for a carrier's (or a prober's) bad body. */
export function parseJsonBody(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    throw badRequest("The body is not valid JSON.", "malformed_body");
  }
}
