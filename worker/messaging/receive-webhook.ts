import type { Env } from "../env";
import type { Db } from "../db/client";
import { findNumberByE164 } from "../db/queries/numbers";
import { storeInbound } from "../db/queries/inbound";
import { adoptCarrierId, advanceStatus } from "../db/queries/messages";
import { conversationPhone } from "../db/queries/conversations";
import { eventSeen, markEventSeen } from "../db/queries/carrier-events";
import { recordCarrierOptOut } from "../db/queries/opt-outs";
import type { ClinicNumber } from "../db/schema";
import type {
  CarrierAdapter,
  CarrierEvent,
  InboundText,
  Located,
  RawWebhook,
  StatusReport,
  WebhookOutcome,
} from "../carriers/carrier";
import { describeCarrierError } from "../carriers/registry";
import { classifyInbound } from "../domain/keywords";
import { measureText } from "../shared/segments";
import { isTerminal } from "../shared/status";
import { AppError, forbidden, notFound } from "../lib/errors";
import { credentialsOf } from "./credentials";
import { cachedNumber, forgetNumber, rememberNumber, type CachedNumber } from "./number-cache";
import { afterInbound } from "./after-inbound";
import { publishOptOut, publishStatus } from "./live";
import { copyMessageMedia, planInboundMedia } from "./media-copy";

export type ReceiveInput<P> = {
  db: Db;
  env: Env;
  adapter: CarrierAdapter<P>;
  raw: RawWebhook;
  now: number;
  /** `ctx.waitUntil`: keyword replies, alerts and live events run after the answer, never before it. */
  waitUntil: (promise: Promise<unknown>) => void;
};

/**
 * The inbound pipeline every carrier and the simulator share: locate the clinic number (400 unreadable,
 * 404 unknown), verify the signature with that number's credentials (403), validate (400 / 403 wrong
 * account), then store idempotently and answer. Nothing is written before verification passes, so no bad
 * request leaves a row. Slow follow-ups go to `waitUntil`: Telnyx wants an answer within 2 s, Twilio 15 s.
 *
 * The number and its decrypted credentials usually come from this isolate's cache (number-cache.ts), which
 * saves a D1 round trip and a decryption before the signature check. The cache is never trusted: anything a
 * stale copy could get wrong (a failed signature, another account, a status callback, a store batch that
 * finds the number removed or its credentials changed) makes the attempt "stale", and the request is
 * handled again from D1, which alone decides 404 and 403.
 */
export async function receiveWebhook<P>(input: ReceiveInput<P>): Promise<WebhookOutcome> {
  const located = input.adapter.locate(input.raw);
  const e164 = located.numberE164;
  const cached = cachedNumber(e164, input.now);
  if (cached) {
    const outcome = await receiveWith(input, located, cached, "cached");
    if (outcome !== "stale") return outcome;
    forgetNumber(e164);
  }
  // From D1. A second time only if the number changed between this read and the store batch.
  for (let attempt = 0; attempt < 2; attempt++) {
    const outcome = await receiveWith(input, located, await loadNumber(input, e164), "fresh");
    if (outcome !== "stale") return outcome;
    forgetNumber(e164);
  }
  throw notFound("Clinic number");
}

type Source = "cached" | "fresh";
/** "stale": the cached (or just-read) number proved out of date; nothing was written. */
type Attempt = WebhookOutcome | "stale";

/** The number from D1 (404 unknown or on another carrier), its credentials decrypted (403), then cached. */
async function loadNumber<P>(input: ReceiveInput<P>, e164: string): Promise<CachedNumber> {
  const number = await findNumberByE164(input.db, e164);
  if (!number || number.carrier !== input.adapter.name) throw notFound("Clinic number");
  let credentials: unknown;
  try {
    credentials = await credentialsOf(input.env, number);
  } catch {
    throw forbidden("The clinic number's carrier credentials cannot be read.", "invalid_signature");
  }
  const known = { number, credentials };
  rememberNumber(known, input.now);
  return known;
}

async function receiveWith<P>(
  input: ReceiveInput<P>,
  located: Located<P>,
  known: CachedNumber,
  source: Source,
): Promise<Attempt> {
  const { adapter, raw, now } = input;
  const { number, credentials } = known;
  if (number.carrier !== adapter.name) return "stale";
  if (!(await adapter.verify(raw, located, credentials, now))) {
    // Perhaps the token was rotated since it was cached: checked once more against D1's.
    if (source === "cached") return "stale";
    throw forbidden("The webhook signature is missing or invalid.", "invalid_signature");
  }
  let event: CarrierEvent;
  try {
    event = adapter.parse(raw, located, number);
  } catch (error) {
    // 403 "another account": the cached account id may be the old one.
    if (source === "cached" && error instanceof AppError && error.status === 403) return "stale";
    throw error;
  }
  if (event.type === "ignored") return "ignored";
  if (event.type === "status") {
    // A status callback changes rows outside the store batch's check, so it acts on the number as D1 has
    // it now: one read, as before the cache, but no decryption.
    const current = source === "cached" ? await findNumberByE164(input.db, number.e164) : number;
    if (!current || !sameNumber(current, number)) return "stale";
    return applyStatus(input, current, event.report, event.eventId);
  }
  return storeText(input, number, event.text, event.eventId, credentials);
}

/** Whether `current` is still the number the signature was checked for, with the same credentials. */
function sameNumber(current: ClinicNumber, known: ClinicNumber) {
  return (
    current.id === known.id &&
    current.carrier === known.carrier &&
    current.credentialsCiphertext === known.credentialsCiphertext
  );
}

async function storeText<P>(
  input: ReceiveInput<P>,
  verified: ClinicNumber,
  text: InboundText,
  eventId: string | null,
  credentials: unknown,
): Promise<Attempt> {
  const { db, env, now } = input;
  const read = classifyInbound(text.body);
  const media = planInboundMedia(input.adapter, env, credentials, text.media);
  const keyword = "match" in read ? read.match : null;
  const stored = await storeInbound(db, {
    number: verified,
    carrier: input.adapter.name,
    carrierMessageId: text.carrierMessageId,
    phone: text.from,
    body: text.body,
    ...measureText(text.body),
    // An MMS is one message, whatever the length of its text.
    ...(text.media.length > 0 ? { segments: 1 } : {}),
    eventId,
    keyword,
    possibleOptOut: read.kind === "possible-opt-out" ? read.keyword : null,
    media,
    now,
  });
  // Removed, or its credentials changed: nothing stored; D1 decides (404, 403, or stored with the new ones).
  if (stored.kind === "number-changed") return "stale";
  if (stored.kind === "duplicate") return "duplicate";
  // The follow-ups read the number's settings (office hours, alert phones, away message, escalation, media
  // deletion) from its row as the store batch read it, never from the cached copy.
  const { message, live, number, waiting } = stored;
  // Started by afterInbound once the live event is out, beside the other follow-ups: a slow media host never
  // delays the carrier, and the copy's fetch and R2 write never compete with writing this answer.
  const copyMedia = media.some((m) => m.state === "pending")
    ? () => {
        const inline = new Map<number, Uint8Array>();
        text.media.forEach((m, n) => {
          if (m.data) inline.set(n, m.data);
        });
        return copyMessageMedia({ db, env, number, message, credentials, inline, now });
      }
    : null;
  input.waitUntil(
    afterInbound({
      copyMedia,
      db,
      env,
      number,
      message,
      live,
      phone: text.from,
      waiting,
      keyword,
      carrierAutoReplied: text.carrierAutoReplied,
      now,
    }),
  );
  return "stored";
}

/** Moves a sent text's status forward. A report for a text we never sent is answered 200 and ignored. */
async function applyStatus<P>(
  input: ReceiveInput<P>,
  number: ClinicNumber,
  report: StatusReport,
  eventId: string | null,
): Promise<WebhookOutcome> {
  const { db, env, now } = input;
  const carrier = input.adapter.name;
  if (eventId && (await eventSeen(db, carrier, eventId))) return "duplicate";
  if (report.ourMessageId !== null) {
    await adoptCarrierId(
      db,
      { numberId: number.id, carrier, id: report.ourMessageId },
      report.carrierMessageId,
    );
  }
  const failed = isTerminal(report.status) && report.status !== "delivered";
  const updated = await advanceStatus(
    db,
    {
      numberId: number.id,
      carrier,
      carrierMessageId: report.carrierMessageId,
      status: report.status,
      errorCode: failed ? report.errorCode : null,
      errorReason: failed ? describeCarrierError(report.errorCode).reason : null,
    },
    now,
  );
  if (!updated) {
    // Carrier ids only: never phones or bodies in logs.
    console.log(
      `${carrier} status ignored: no matching message or already past it (${report.carrierMessageId})`,
    );
    return "ignored";
  }
  // The carrier blocks this phone because it texted STOP (Twilio 21610, Telnyx 40300): record it as send-text
  // does for the same code at send time, so the next send is refused before it reaches the carrier. Only when
  // this report moved the text: a repeated callback must not add a second compliance event.
  if (failed && describeCarrierError(report.errorCode).optedOut && report.errorCode !== null) {
    const phone = await conversationPhone(db, updated.conversationId);
    if (phone === undefined) throw new Error("outbound message without a conversation");
    await recordCarrierOptOut(
      db,
      { orgId: number.orgId, numberId: number.id, phone, code: report.errorCode },
      now,
    );
    input.waitUntil(publishOptOut(env, db, { numberId: number.id, phone, optedOut: true, changedAt: now }));
  }
  if (eventId) await markEventSeen(db, carrier, eventId, now);
  input.waitUntil(publishStatus(env, db, updated));
  return "status";
}
