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
  InboundText,
  RawWebhook,
  StatusReport,
  WebhookOutcome,
} from "../carriers/carrier";
import { describeCarrierError } from "../carriers/registry";
import { classifyInbound } from "../domain/keywords";
import { measureText } from "../shared/segments";
import { isTerminal } from "../shared/status";
import { forbidden, notFound } from "../lib/errors";
import { credentialsOf } from "./credentials";
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
 */
export async function receiveWebhook<P>(input: ReceiveInput<P>): Promise<WebhookOutcome> {
  const { db, env, adapter, raw, now } = input;
  const located = adapter.locate(raw);
  const number = await findNumberByE164(db, located.numberE164);
  if (!number || number.carrier !== adapter.name) throw notFound("Clinic number");
  let credentials: unknown;
  try {
    credentials = await credentialsOf(env, number);
  } catch {
    throw forbidden("The clinic number's carrier credentials cannot be read.", "invalid_signature");
  }
  if (!(await adapter.verify(raw, located, credentials, now))) {
    throw forbidden("The webhook signature is missing or invalid.", "invalid_signature");
  }
  const event = adapter.parse(raw, located, number);
  if (event.type === "ignored") return "ignored";
  if (event.type === "status") return applyStatus(input, number, event.report, event.eventId);
  return storeText(input, number, event.text, event.eventId, credentials);
}

async function storeText<P>(
  input: ReceiveInput<P>,
  number: ClinicNumber,
  text: InboundText,
  eventId: string | null,
  credentials: unknown,
): Promise<WebhookOutcome> {
  const { db, env, now } = input;
  const read = classifyInbound(text.body);
  const media = planInboundMedia(input.adapter, env, credentials, text.media);
  const keyword = "match" in read ? read.match : null;
  const stored = await storeInbound(db, {
    number,
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
  if (!stored) return "duplicate";
  const { message, live } = stored;
  if (media.some((m) => m.state === "pending")) {
    // After the answer, beside the follow-ups: a slow media host never delays the carrier.
    const inline = new Map<number, Uint8Array>();
    text.media.forEach((m, n) => {
      if (m.data) inline.set(n, m.data);
    });
    input.waitUntil(copyMessageMedia({ db, env, number, message, credentials, inline, now }));
  }
  input.waitUntil(
    afterInbound({
      db,
      env,
      number,
      message,
      live,
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
