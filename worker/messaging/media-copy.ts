/**
 * @module Inbound photos, kept rather than borrowed: what the webhook stores about each file (pending, or
 * refused with a note), and the copy from the carrier into R2 that runs after the answer (`waitUntil`) and
 * again from the cron until it lands or gives up. Every hop is https (loopback http only where
 * MEDIA_ALLOW_LOOPBACK is on), the body is read with a byte cap, and the bytes must be the type they claim.
 * Nothing here logs a URL, a file name or a byte of content: ids and reasons only.
 */
import type { Env } from "../env";
import type { Db } from "../db/client";
import type { ClinicNumber, Message, MessageMediaRow } from "../db/schema";
import type { CarrierAdapter, InboundMedia } from "../carriers/carrier";
import { carrierAdapter } from "../carriers/registry";
import {
  dueMedia,
  markMediaFailed,
  markMediaStored,
  mediaOfMessage,
  scheduleMediaRetry,
  type InboundMediaRow,
} from "../db/queries/media";
import { INBOUND_MEDIA_MAX, INBOUND_MEDIA_MAX_BYTES, type MessageMedia } from "../shared/media";
import { describeError } from "../lib/errors";
import { apiBaseOf, credentialsOf } from "./credentials";
import { MEDIA_NOTES, mediaKey, normalType, staffMediaUrl, toMessageMedia, verifyMedia } from "./media";
import { publishMessage } from "./live";

/** Copies tried in all (the first in waitUntil, the rest from the hourly cron) before "could not be retrieved". */
export const MEDIA_MAX_ATTEMPTS = 5;
/** After the n-th failed attempt, wait this long (the cron runs hourly, so the later ones are what count). */
const BACKOFF_MS = [60_000, 10 * 60_000, 60 * 60_000, 6 * 60 * 60_000];
const MAX_REDIRECTS = 5;
const FETCH_TIMEOUT_MS = 20_000;

/**
 * What the webhook stores for each file, decided before anything is fetched: past the tenth, a size the
 * carrier says is too big, or a URL off the carrier's host is refused now (with its note, never fetched).
 */
export function planInboundMedia(
  adapter: CarrierAdapter,
  env: Env,
  credentials: unknown,
  media: readonly InboundMedia[],
): InboundMediaRow[] {
  return media.map((m, n): InboundMediaRow => {
    const contentType = normalType(m.contentType) ?? "application/octet-stream";
    const refuse = (note: string): InboundMediaRow => ({
      n,
      contentType,
      size: m.size,
      state: "failed",
      sourceUrl: null,
      carrierMediaId: null,
      note,
    });
    if (n >= INBOUND_MEDIA_MAX) return refuse(MEDIA_NOTES.tooMany);
    if (m.size !== null && m.size > INBOUND_MEDIA_MAX_BYTES) return refuse(MEDIA_NOTES.tooLarge);
    if (m.url === null) {
      // The simulator's bytes came with the text: copied from memory right after the answer.
      return {
        n,
        contentType,
        size: m.size,
        state: "pending",
        sourceUrl: null,
        carrierMediaId: null,
        note: null,
      };
    }
    if (!adapter.media?.request(m.url, env, credentials)) return refuse(MEDIA_NOTES.notCarrierHost);
    return {
      n,
      contentType,
      size: m.size,
      state: "pending",
      sourceUrl: m.url,
      carrierMediaId: m.carrierMediaId,
      note: null,
    };
  });
}

type Fetched = { ok: true; bytes: Uint8Array } | { ok: false; final: boolean; note: string; why: string };

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function hopAllowed(url: URL, env: Env): boolean {
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && env.MEDIA_ALLOW_LOOPBACK === "true" && LOOPBACK.has(url.hostname);
}

/**
 * GETs a file, following redirects by hand so each hop is checked (and the carrier's auth header never goes
 * to another origin), and reads at most INBOUND_MEDIA_MAX_BYTES of it.
 */
export async function fetchCapped(
  first: { url: string; headers: Headers },
  env: Env,
  fetcher: typeof fetch,
): Promise<Fetched> {
  let url: URL;
  try {
    url = new URL(first.url);
  } catch {
    return { ok: false, final: true, note: MEDIA_NOTES.notRetrieved, why: "bad url" };
  }
  const origin = url.origin;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (!hopAllowed(url, env)) {
      return { ok: false, final: true, note: MEDIA_NOTES.notRetrieved, why: "hop not https" };
    }
    let response: Response;
    try {
      response = await fetcher(url.toString(), {
        method: "GET",
        redirect: "manual",
        headers: url.origin === origin ? first.headers : new Headers(),
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (error) {
      return { ok: false, final: false, note: MEDIA_NOTES.notRetrieved, why: describeError(error) };
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location");
      await response.body?.cancel();
      if (!location) return { ok: false, final: false, note: MEDIA_NOTES.notRetrieved, why: "redirect" };
      try {
        url = new URL(location, url);
      } catch {
        return { ok: false, final: true, note: MEDIA_NOTES.notRetrieved, why: "bad redirect" };
      }
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, final: false, note: MEDIA_NOTES.notRetrieved, why: `http ${response.status}` };
    }
    return readCapped(response);
  }
  return { ok: false, final: true, note: MEDIA_NOTES.notRetrieved, why: "too many redirects" };
}

async function readCapped(response: Response): Promise<Fetched> {
  const declared = Number(response.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > INBOUND_MEDIA_MAX_BYTES) {
    await response.body?.cancel();
    return { ok: false, final: true, note: MEDIA_NOTES.tooLarge, why: "too large" };
  }
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
  if (!reader) return { ok: true, bytes: new Uint8Array() };
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const read: ReadableStreamReadResult<Uint8Array> = await reader.read();
      if (read.done) break;
      const value = read.value;
      total += value.byteLength;
      if (total > INBOUND_MEDIA_MAX_BYTES) {
        await reader.cancel();
        return { ok: false, final: true, note: MEDIA_NOTES.tooLarge, why: "too large" };
      }
      chunks.push(value);
    }
  } catch (error) {
    return { ok: false, final: false, note: MEDIA_NOTES.notRetrieved, why: describeError(error) };
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, bytes };
}

export type CopyInput = {
  db: Db;
  env: Env;
  number: ClinicNumber;
  message: Message;
  credentials: unknown;
  /** The simulator's files, by position. */
  inline?: ReadonlyMap<number, Uint8Array>;
  now: number;
  fetch?: typeof fetch;
};

/**
 * Copies the message's pending files into R2, then sends the message's `message` event again with the new
 * states. Never throws: a failure is a retry (or, past the attempts, "Photo could not be retrieved").
 */
export async function copyMessageMedia(input: CopyInput, only?: readonly MessageMediaRow[]): Promise<void> {
  const { db, env, message } = input;
  try {
    const rows = only ?? (await mediaOfMessage(db, message.id));
    const pending = rows.filter((r) => r.state === "pending");
    if (pending.length === 0) return;
    await Promise.all(pending.map((row) => copyOne(input, row)));
    await publishMessage(env, db, message, await messageMediaOf(db, message.id), { mediaUpdate: true });
  } catch (error) {
    console.error(`media of message ${message.id} not copied:`, describeError(error));
  }
}

/** The message's files as the staff screens see them. */
export async function messageMediaOf(db: Db, messageId: number): Promise<MessageMedia[]> {
  return (await mediaOfMessage(db, messageId)).map((r) => toMessageMedia(r, staffMediaUrl));
}

async function copyOne(input: CopyInput, row: MessageMediaRow): Promise<void> {
  const { db, env, number, message, now } = input;
  const fetcher = input.fetch ?? ((i: RequestInfo | URL, init?: RequestInit) => fetch(i, init));
  const adapter = carrierAdapter(number.carrier);
  const inline = input.inline?.get(row.n);
  let fetched: Fetched;
  if (inline) {
    fetched = { ok: true, bytes: inline };
  } else if (row.sourceUrl === null) {
    // A simulator file whose first copy failed: its bytes are gone.
    fetched = { ok: false, final: true, note: MEDIA_NOTES.notRetrieved, why: "no source" };
  } else {
    const first = adapter.media?.request(row.sourceUrl, env, input.credentials) ?? null;
    fetched = first
      ? await fetchCapped(first, env, fetcher)
      : { ok: false, final: true, note: MEDIA_NOTES.notCarrierHost, why: "host" };
  }
  if (!fetched.ok) {
    const attempts = row.attempts + 1;
    console.log(`media ${row.id} of message ${message.id}: attempt ${attempts} failed (${fetched.why})`);
    if (fetched.final || attempts >= MEDIA_MAX_ATTEMPTS) {
      await markMediaFailed(db, row.id, fetched.final ? fetched.note : MEDIA_NOTES.notRetrieved, attempts);
    } else {
      await scheduleMediaRetry(db, row.id, attempts, now + (BACKOFF_MS[attempts - 1] ?? BACKOFF_MS[3] ?? 0));
    }
    return;
  }
  const verified = verifyMedia(row.contentType, fetched.bytes);
  if (!verified.ok) {
    await markMediaFailed(db, row.id, verified.note);
    return;
  }
  const key = mediaKey(message.orgId, message.id, row.n);
  await env.HISTORY.put(key, fetched.bytes, { httpMetadata: { contentType: verified.contentType } });
  await markMediaStored(db, row.id, {
    contentType: verified.contentType,
    size: fetched.bytes.byteLength,
    r2Key: key,
  });
  if (
    number.deleteMediaAfterCopy &&
    row.carrierMediaId &&
    message.carrierMessageId &&
    adapter.media?.delete
  ) {
    const deleted = await adapter.media.delete(
      { carrierMessageId: message.carrierMessageId, carrierMediaId: row.carrierMediaId },
      {
        number,
        credentials: input.credentials,
        apiBase: apiBaseOf(env, number),
        publicBaseUrl: env.PUBLIC_BASE_URL,
        fetch: fetcher,
      },
    );
    if (!deleted) console.log(`media ${row.id}: the carrier's copy could not be deleted`);
  }
}

/** The cron's half: pending files whose retry is due, message by message, within the budget. */
export async function retryDueMedia(input: {
  db: Db;
  env: Env;
  now: number;
  budgetMs: number;
  fetch?: typeof fetch;
}): Promise<number> {
  const started = Date.now();
  const due = await dueMedia(input.db, input.now, 200);
  const byMessage = new Map<number, typeof due>();
  for (const row of due) byMessage.set(row.message.id, [...(byMessage.get(row.message.id) ?? []), row]);
  let tried = 0;
  for (const rows of byMessage.values()) {
    if (Date.now() - started > input.budgetMs) break;
    const head = rows[0];
    if (!head) continue;
    let credentials: unknown;
    try {
      credentials = await credentialsOf(input.env, head.number);
    } catch (error) {
      console.error(
        `media retry for message ${head.message.id}: credentials unreadable:`,
        describeError(error),
      );
      continue;
    }
    await copyMessageMedia(
      {
        db: input.db,
        env: input.env,
        number: head.number,
        message: head.message,
        credentials,
        now: input.now,
        fetch: input.fetch,
      },
      rows.map((r) => r.media),
    );
    tried += rows.length;
  }
  return tried;
}
