import type { Carrier, ClinicNumber, MessageStatus } from "../db/schema";
import { describeCarrierError } from "../domain/carrier-errors";
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
};

/** A delivery report for a text we sent. */
export type StatusReport = {
  carrierMessageId: string;
  status: MessageStatus;
  errorCode: string | null;
  /** Our own message id, when the callback URL carried it (Twilio): adopts a send whose answer was lost. */
  ourMessageId: number | null;
};

/** What one webhook request carries once verified: at most one inbound text or one status report. */
export type WebhookEvent =
  | { type: "inbound"; eventId: string | null; text: InboundText }
  | { type: "status"; eventId: string | null; report: StatusReport }
  | { type: "ignored"; eventId: string | null; reason: string };

export type OutboundRequest = {
  from: string;
  to: string;
  body: string;
  /** Our message id, so the carrier's callbacks can be matched even if its answer to us is lost. */
  messageId: number;
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

/**
 * One carrier, whatever its wire format: the inbound pipeline and the send path only see this. `locate` and
 * `parse` throw AppError 400 for a malformed body; `parse` throws 403 for another account's webhook.
 */
export interface CarrierAdapter<P = unknown> {
  readonly name: Carrier;
  locate(raw: RawWebhook): Located<P>;
  verify(raw: RawWebhook, located: Located<P>, credentials: unknown, now: number): Promise<boolean>;
  parse(raw: RawWebhook, located: Located<P>, number: ClinicNumber): WebhookEvent;
  send(request: OutboundRequest, context: SendContext): Promise<SendOutcome>;
}

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
  reason: string,
  retryable = false,
  retryAfter: number | null = null,
): SendOutcome {
  return {
    ok: false,
    status: "failed",
    code,
    reason,
    retryable,
    ambiguous: false,
    retryAfterMs: retryAfter,
    optedOut: describeCarrierError(code).optedOut,
  };
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
