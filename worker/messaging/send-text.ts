import type { Env } from "../env";
import type { Db } from "../db/client";
import { findNumberById } from "../db/queries/numbers";
import { insertOutbound, noteOutboundStored, recordSendResult } from "../db/queries/messages";
import { getOptOut, recordCarrierOptOut } from "../db/queries/opt-outs";
import type { ClinicNumber, Message, MessageKind } from "../db/schema";
import { senderFor } from "../carriers/registry";
import { refused, type OutboundRequest, type SendOutcome } from "../carriers/carrier";
import { claimUploads } from "../db/queries/media";
import type { MessageMediaRow } from "../db/schema";
import { PHOTO_PREVIEW, type MessageMedia } from "../shared/media";
import { capabilityUrl, staffMediaUrl, toMessageMedia } from "./media";
import { MESSAGE_MAX_LENGTH, MESSAGE_MAX_LENGTH_TEXT } from "../shared/messages";
import { measureText } from "../shared/segments";
import { badRequest, conflict, describeError, notFound, type AppError } from "../lib/errors";
import { apiBaseOf, credentialsOf } from "./credentials";
import { publishMessage, publishOptOut, publishStatus } from "./live";

export type SendTextInput = {
  db: Db;
  env: Env;
  numberId: number;
  phone: string;
  body: string;
  kind: MessageKind;
  authorUserId: number | null;
  idempotencyKey: string | null;
  /**
   * Staff uploads to send as MMS (routes/media.ts), already checked to be this conversation's and unsent;
   * the body may then be empty. Claimed by the message once it is stored.
   */
  uploadIds?: readonly string[];
};

export type SendOptions = {
  /** Only the STOP confirmation itself may go to a phone that just opted out (FCC 64.1200(a)(12)). */
  optOutConfirmation?: boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
};

/** 429 and 5xx are retried this many times in all, with exponential backoff, so a send never hangs long. */
export const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 400;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The 409 every outbound path gives for an opted-out phone, naming the date and how to undo it. */
export function optedOutError(number: ClinicNumber, changedAt: number): AppError {
  const date = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: number.timezone }).format(
    changedAt,
  );
  return conflict(
    `This patient opted out by texting STOP on ${date}. They must text START to receive texts.`,
    "opted_out",
  );
}

/** Why a stored text did not go out when something failed after its row was written. */
export const NOT_SENT = {
  credentials:
    "The clinic number's carrier credentials could not be read, so the text was not sent. An admin must enter them again under Settings, Clinic numbers.",
  internal: "Textdesk could not hand the text to the carrier, so it was not sent.",
  send_error:
    "Textdesk lost the carrier's answer, so the text was not sent again. It may have gone out: check with the patient before retrying.",
} as const;
export type NotSentCode = keyof typeof NOT_SENT;

function notSent(code: NotSentCode): SendOutcome {
  return refused(code, { reason: NOT_SENT[code], optedOut: false });
}

/** The stored text, and whether this call stored it (false: an earlier call with the same key did). */
export type SendResult = { message: Message; created: boolean };

/**
 * The one send path: replies, direct texts, reminders, campaigns, auto-replies and alerts all come here.
 * Refuses an opted-out phone before anything is stored or any carrier is called; stores the text as queued;
 * calls the carrier (retrying only when the carrier certainly did not take it); records the outcome. A
 * failure after the row is stored marks it `failed` with a reason (and publishes that), so it is never left
 * `queued` looking as if it were on its way; only a failure to record anything at all (D1 down) leaves it to
 * the stuck-send sweeper (jobs/sweep-stuck-sends.ts).
 */
export async function sendTextOnce(input: SendTextInput, options: SendOptions = {}): Promise<SendResult> {
  const { db, env } = input;
  const now = options.now ?? Date.now;
  const body = input.body;
  const uploadIds = input.uploadIds ?? [];
  if (body.trim().length === 0 && uploadIds.length === 0) throw badRequest("The text is empty.");
  if (body.length > MESSAGE_MAX_LENGTH) {
    throw badRequest(`The text is too long (${MESSAGE_MAX_LENGTH_TEXT} characters at most).`);
  }
  const number = await findNumberById(db, input.numberId);
  if (!number) throw notFound("Clinic number");
  if (!options.optOutConfirmation) {
    const optOut = await getOptOut(db, number.id, input.phone);
    if (optOut?.optedOut) throw optedOutError(number, optOut.changedAt);
  }
  const { message, created } = await insertOutbound(db, {
    number,
    phone: input.phone,
    body,
    kind: input.kind,
    ...measureText(body),
    // An MMS is one message, whatever the length of its text.
    ...(uploadIds.length > 0 ? { segments: 1 } : {}),
    authorUserId: input.authorUserId,
    idempotencyKey: input.idempotencyKey,
    now: now(),
  });
  if (!created) return { message, created: false };
  let media: MessageMediaRow[] = [];
  try {
    // A second reply naming the same upload claims nothing: each file goes out with one message.
    media = await claimUploads(db, message.id, uploadIds);
    if (media.length === 0 && body.trim().length === 0) throw new Error("no upload could be claimed");
    await noteOutboundStored(db, message, now(), body === "" && media.length > 0 ? PHOTO_PREVIEW : body);
  } catch (error) {
    // Without its audit row the text may not go out; the row exists, so it must say it did not.
    console.error(`send ${message.id} not audited:`, describeError(error));
    const failed = await recordNotSent(db, message.id, "internal", now());
    const shown = failed ?? message;
    await publishMessage(env, db, shown, staffMedia(media));
    return { message: shown, created: true };
  }
  await publishMessage(env, db, message, staffMedia(media));
  return {
    message: await deliverStored({ db, env, number, message, phone: input.phone, media }, options),
    created: true,
  };
}

/** sendTextOnce for callers that only need the stored text (auto-replies, alerts, confirmations). */
export async function sendText(input: SendTextInput, options: SendOptions = {}): Promise<Message> {
  return (await sendTextOnce(input, options)).message;
}

const staffMedia = (rows: readonly MessageMediaRow[]): MessageMedia[] =>
  rows.map((r) => toMessageMedia(r, staffMediaUrl));

function recordNotSent(db: Db, id: number, code: NotSentCode, now: number) {
  return recordSendResult(
    db,
    id,
    { status: "failed", carrierMessageId: null, errorCode: code, errorReason: NOT_SENT[code] },
    now,
  );
}

/**
 * Sends a message already stored as `queued` (or claimed as `sending`) and records the outcome: the second
 * half of sendText, also used by the background drain of API texts (messaging/outbound-drain.ts). The caller
 * has checked opt-out and made sure nobody else is sending this row. Throws only when the outcome itself
 * cannot be recorded (the row then stays in flight for a status callback or the sweeper to settle).
 */
export async function deliverStored(
  target: {
    db: Db;
    env: Env;
    number: ClinicNumber;
    message: Message;
    phone: string;
    /** The message's files (MMS): the carrier fetches each from a one-hour capability URL. */
    media?: readonly MessageMediaRow[];
  },
  options: SendOptions = {},
): Promise<Message> {
  const { db, env, number, message, phone } = target;
  const now = options.now ?? Date.now;
  const mediaUrls = await Promise.all((target.media ?? []).map((m) => capabilityUrl(env, m.id, now())));
  const outcome = await sendWithRetry(
    number,
    { from: number.e164, to: phone, body: message.body, messageId: message.id, mediaUrls },
    env,
    options,
  );
  const updated = await recordSendResult(
    db,
    message.id,
    outcome.ok
      ? {
          status: outcome.status,
          carrierMessageId: outcome.carrierMessageId,
          errorCode: null,
          errorReason: null,
        }
      : {
          status: outcome.status,
          carrierMessageId: null,
          errorCode: outcome.code,
          errorReason: outcome.reason,
        },
    now(),
  );
  if (!outcome.ok && outcome.optedOut) {
    const at = now();
    await recordCarrierOptOut(
      db,
      { orgId: number.orgId, numberId: number.id, phone, code: outcome.code },
      at,
    );
    await publishOptOut(env, db, { numberId: number.id, phone, optedOut: true, changedAt: at });
  }
  const final = updated ?? message;
  if (updated) await publishStatus(env, db, updated);
  return final;
}

/**
 * Never throws: credentials that cannot be unsealed, or an adapter that throws, become a `failed` outcome.
 * Whether the carrier was asked at all decides the reason: before any request the text certainly did not go
 * out (`internal`); after one it may have (`send_error`), and it is never tried again either way.
 */
async function sendWithRetry(
  number: ClinicNumber,
  request: OutboundRequest,
  env: Env,
  options: SendOptions,
): Promise<SendOutcome> {
  let credentials: unknown;
  try {
    credentials = await credentialsOf(env, number);
  } catch (error) {
    console.error(`send ${request.messageId}: credentials unreadable:`, describeError(error));
    return notSent("credentials");
  }
  const progress = { asked: false };
  const fetcher = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const context = {
    number,
    credentials,
    apiBase: apiBaseOf(env, number),
    publicBaseUrl: env.PUBLIC_BASE_URL,
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      progress.asked = true;
      return fetcher(input, init);
    },
  };
  const sleep = options.sleep ?? defaultSleep;
  try {
    const sender = senderFor(number.carrier);
    let outcome = await sender.send(request, context);
    for (let attempt = 1; attempt < MAX_ATTEMPTS && !outcome.ok && outcome.retryable; attempt++) {
      await sleep(outcome.retryAfterMs ?? BASE_DELAY_MS * 2 ** (attempt - 1));
      outcome = await sender.send(request, context);
    }
    return outcome;
  } catch (error) {
    console.error(`send ${request.messageId} threw:`, describeError(error));
    return notSent(progress.asked ? "send_error" : "internal");
  }
}
