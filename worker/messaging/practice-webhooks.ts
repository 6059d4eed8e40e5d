/**
 * @module Signed webhooks to the practice-management system: patients' replies (`message.received`),
 * delivery status changes (`message.status`) and what a reply to a reminder meant (`appointment.response`).
 *
 * Nothing new is written on the hot paths: the live feed already records every change in D1's `live_events`
 * with a monotonic id, so each key simply keeps a cursor per clinic number and the number's Durable Object
 * (whose alarm the live fan-out nudges) sends what lies after it, oldest first. A failed POST stops that
 * key's stream and retries with exponential backoff, so events arrive in order and none is skipped; the
 * receiver must ignore an event id it has seen (a crash between POST and cursor write resends one).
 *
 * Signature: `Textdesk-Signature: v1=<hex HMAC-SHA256(secret, "<Textdesk-Timestamp>.<raw body>")>`, the
 * timestamp in Unix seconds; receivers should refuse timestamps older than five minutes.
 */
import type { Env } from "../env";
import type { Db } from "../db/client";
import { findNumberById } from "../db/queries/numbers";
import { liveEventsAfter } from "../db/queries/live-events";
import { conversationPhones } from "../db/queries/conversations";
import { getCursor, saveCursor, webhookKeysForNumber } from "../db/queries/webhooks";
import { decryptJson } from "../lib/credentials";
import { utf8 } from "../lib/crypto";
import type { LiveEvent } from "../shared/live-protocol";
import type { MediaState, MessageMedia } from "../shared/media";
import type { AppointmentIntent } from "../shared/reminders";

export const WEBHOOK_BATCH = 25;
const TIMEOUT_MS = 10_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;

export type WebhookEvent =
  | {
      id: number;
      type: "message.received";
      data: {
        messageId: number;
        numberId: number;
        from: string;
        to: string;
        body: string;
        createdAt: number;
        /** The text's photos and files, in order; empty for a plain text. */
        media: WebhookMedia[];
      };
    }
  | AppointmentResponseHook
  | {
      id: number;
      type: "message.status";
      data: {
        messageId: number;
        numberId: number;
        to: string;
        status: string;
        errorCode: string | null;
        errorReason: string | null;
      };
    };

/**
 * One photo or file of a received text: its description, never its bytes. The copy from the carrier runs after
 * the text is stored, so at `message.received` time a file is usually still `pending`: its `url` answers 409
 * until it is `stored` (seconds later), then the file. `url` is under the practice-system API and needs the
 * same API key (GET /api/v1/messages/{id}/media/{n}); null for a file that could not be retrieved (`failed`).
 */
export type WebhookMedia = {
  n: number;
  contentType: string;
  size: number | null;
  fileName: string;
  state: MediaState;
  url: string | null;
};

/** The practice-system API's URL of one file of a message. */
export function apiMediaUrl(baseUrl: string, messageId: number, n: number): string {
  return `${baseUrl}/api/v1/messages/${messageId}/media/${n}`;
}

function webhookMedia(baseUrl: string, messageId: number, media: readonly MessageMedia[]): WebhookMedia[] {
  return media.map((m) => ({
    n: m.n,
    contentType: m.contentType,
    size: m.size,
    fileName: m.fileName,
    state: m.state,
    url: m.state === "failed" ? null : apiMediaUrl(baseUrl, messageId, m.n),
  }));
}

/**
 * How a patient's reply answers one reminder: read by Textdesk, or corrected by staff (`correctedBy`).
 * `intent` null: staff said the reply was not about the appointment (it is outstanding again). One event per
 * appointment; a family phone's "3 for both" sends one for each.
 */
type AppointmentResponseHook = {
  id: number;
  type: "appointment.response";
  data: {
    appointmentId: string;
    externalId: string | null;
    intent: AppointmentIntent | null;
    messageId: number;
    reminderMessageId: number;
    numberId: number;
    correctedBy: string | null;
  };
};

function appointmentHook(event: LiveEvent): AppointmentResponseHook | null {
  if (event.type !== "message" || !event.appointmentResponse) return null;
  const { reminderMessageId, appointmentId, externalId, intent, correctedBy } = event.appointmentResponse;
  return {
    id: event.cursor,
    type: "appointment.response",
    data: {
      appointmentId,
      externalId,
      intent,
      messageId: event.message.id,
      reminderMessageId,
      numberId: event.numberId,
      correctedBy,
    },
  };
}

export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = await crypto.subtle.sign("HMAC", key, utf8(`${timestamp}.${body}`));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether a live event is something the practice system hears about: replies and status moves. */
export function isWebhookEvent(event: LiveEvent) {
  return (event.type === "message" && event.message.direction === "in") || event.type === "message_status";
}

function toWebhook(
  event: LiveEvent,
  at: { clinicPhone: string; baseUrl: string },
  phones: Map<number, string>,
): WebhookEvent | null {
  // A reply re-sent because its reading changed is that reading, never a second message.received.
  if (event.type === "message" && event.appointmentResponse) return appointmentHook(event);
  // A reply re-sent because its photos landed is the same reply: it was sent as message.received already.
  if (event.type === "message" && event.mediaUpdate) return null;
  if (event.type === "message" && event.message.direction === "in") {
    const m = event.message;
    const from = phones.get(event.conversationId) ?? "";
    const data = {
      messageId: m.id,
      numberId: event.numberId,
      from,
      to: at.clinicPhone,
      body: m.body,
      createdAt: m.createdAt,
      media: webhookMedia(at.baseUrl, m.id, m.media ?? []),
    };
    return { id: event.cursor, type: "message.received", data };
  }
  if (event.type === "message_status") {
    const { messageId, numberId, status, errorCode, errorReason } = event;
    const to = phones.get(event.conversationId) ?? "";
    return {
      id: event.cursor,
      type: "message.status",
      data: { messageId, numberId, to, status, errorCode, errorReason },
    };
  }
  return null;
}

export type DispatchOptions = { now?: () => number; fetch?: typeof fetch };

/** Sends each webhook key of the number's practice what happened on this number since its cursor. */
export async function dispatchWebhooks(
  input: { db: Db; env: Pick<Env, "CREDENTIALS_KEY" | "PUBLIC_BASE_URL">; numberId: number },
  options: DispatchOptions = {},
): Promise<{ delivered: number; nextAt: number | null }> {
  const { db, numberId } = input;
  const now = options.now ?? Date.now;
  const post = options.fetch ?? ((url: RequestInfo | URL, init?: RequestInit) => fetch(url, init));
  const number = await findNumberById(db, numberId);
  if (!number) return { delivered: 0, nextAt: null };
  let delivered = 0;
  let nextAt: number | null = null;
  const later = (at: number) => (nextAt = nextAt === null ? at : Math.min(nextAt, at));

  for (const key of await webhookKeysForNumber(db, numberId)) {
    if (!key.url || !key.secretCiphertext) continue;
    const cursor = await getCursor(db, key.id, numberId);
    if (cursor?.retryAt && cursor.retryAt > now()) {
      later(cursor.retryAt);
      continue;
    }
    const secret = String(await decryptJson(input.env.CREDENTIALS_KEY, key.secretCiphertext));
    const events = await liveEventsAfter(
      db,
      [numberId],
      cursor?.lastEventId ?? key.sinceEventId,
      WEBHOOK_BATCH,
    );
    const phones = await conversationPhones(
      db,
      events.flatMap((e) => (isWebhookEvent(e) && "conversationId" in e ? [e.conversationId] : [])),
    );
    let last = cursor?.lastEventId ?? key.sinceEventId;
    let failures = 0;
    for (const event of events) {
      const hook = toWebhook(event, { clinicPhone: number.e164, baseUrl: input.env.PUBLIC_BASE_URL }, phones);
      if (hook && !(await deliver(key.url, secret, hook, now(), post))) {
        failures = (cursor?.failures ?? 0) + 1;
        break;
      }
      if (hook) delivered++;
      last = event.cursor;
    }
    const retryAt =
      failures > 0 ? now() + Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1)) : null;
    await saveCursor(db, { keyId: key.id, numberId, lastEventId: last, failures, retryAt });
    if (retryAt !== null) later(retryAt);
    else if (events.length === WEBHOOK_BATCH) later(now() + 1_000);
  }
  return { delivered, nextAt };
}

async function deliver(url: string, secret: string, event: WebhookEvent, now: number, post: typeof fetch) {
  const body = JSON.stringify(event);
  const timestamp = Math.floor(now / 1000);
  try {
    const res = await post(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "textdesk-event": event.type,
        "textdesk-timestamp": String(timestamp),
        "textdesk-signature": `v1=${await signWebhook(secret, timestamp, body)}`,
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "manual",
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    // Network failure or timeout: the same event is tried again after the backoff.
    return false;
  }
}
