/**
 * @module The R2 archive's object format, shared by the prune job (writer) and the exports (reader).
 *
 * Layout: `archive/v1/org-{orgId}/number-{numberId}/{YYYY-MM-DD}/{firstId}-{lastId}.ndjson`, one object per
 * clinic number per UTC day (split into chunks of at most a few thousand rows), one message row per line,
 * sorted by conversation and then id. Why this shape:
 * - The prune job writes few, large objects (200,000 messages are ~40 objects, not one per conversation-day),
 *   which keeps it fast and cheap in R2 Class A operations.
 * - A conversation export still reads only its own bytes: D1 keeps, per object, the byte range of every
 *   conversation in it (`archive_segments`), and an R2 ranged GET fetches just that slice.
 * - An admin's date-range export of a whole number reads the day objects of that range and nothing else.
 * - Keys are deterministic from the content, so rewriting after a crash produces the identical object, and
 *   they hold no phone number or message text (keys show up in logs and dashboards).
 */
import { getTableColumns } from "drizzle-orm";
import { messages, type Message, type MessageMediaRow } from "../db/schema";
import type { MediaState } from "../shared/media";
import { mediaFileName } from "../messaging/media";

/**
 * One photo or file of an archived message. Its `message_media` row is deleted with the message, but the
 * R2 object under `r2Key` is never deleted, so the archive keeps what an export needs to list (and embed) it.
 */
export type ArchivedMedia = {
  n: number;
  contentType: string;
  size: number | null;
  fileName: string;
  state: MediaState;
  r2Key: string | null;
};

/** `media` is absent on messages without files and on every row archived before photos existed. */
export type ArchiveRow = Message & { media?: ArchivedMedia[] };

/** The archive's descriptor of a stored media row (fileName as staff download it: messaging/media.ts). */
export function archivedMedia(row: MessageMediaRow): ArchivedMedia {
  return {
    n: row.n,
    contentType: row.contentType,
    size: row.size,
    fileName: mediaFileName(row.n, row.contentType),
    state: row.state,
    r2Key: row.r2Key,
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function archiveKey(orgId: number, numberId: number, day: string, firstId: number, lastId: number) {
  return `archive/v1/org-${orgId}/number-${numberId}/${day}/${firstId}-${lastId}.ndjson`;
}

export type Segment = {
  conversationId: number;
  firstId: number;
  lastId: number;
  rows: number;
  offset: number;
  length: number;
};

export type EncodedChunk = {
  bytes: Uint8Array<ArrayBuffer>;
  rows: number;
  firstId: number;
  lastId: number;
  minCreatedAt: number;
  maxCreatedAt: number;
  segments: Segment[];
  sha256: string;
};

/** UTF-8 length of a string without encoding it (the lines are measured for the segment offsets). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair is 2 UTF-16 units and 4 bytes. (JSON.stringify escapes lone surrogates.)
      bytes += 2;
      i++;
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Encodes one chunk (all rows of one number and one UTC day) as NDJSON with its segment index. The lines are
 * joined and encoded once: a TextEncoder call and a buffer per row cost more than the JSON itself. Offsets
 * come from each line's UTF-8 length, which for an ASCII line (most of them) is its length.
 */
export async function encodeChunk(rows: readonly ArchiveRow[]): Promise<EncodedChunk> {
  const sorted = [...rows].sort((a, b) => a.conversationId - b.conversationId || a.id - b.id);
  const lines: string[] = [];
  const segments: Segment[] = [];
  let offset = 0;
  let current: Segment | undefined;
  let firstId = Number.POSITIVE_INFINITY;
  let lastId = Number.NEGATIVE_INFINITY;
  let minCreatedAt = Number.POSITIVE_INFINITY;
  let maxCreatedAt = Number.NEGATIVE_INFINITY;
  for (const row of sorted) {
    const line = `${JSON.stringify(withoutNulls(row))}\n`;
    const length = NON_ASCII.test(line) ? utf8Length(line) : line.length;
    if (current?.conversationId !== row.conversationId) {
      current = {
        conversationId: row.conversationId,
        firstId: row.id,
        lastId: row.id,
        rows: 0,
        offset,
        length: 0,
      };
      segments.push(current);
    }
    current.rows++;
    current.lastId = Math.max(current.lastId, row.id);
    current.firstId = Math.min(current.firstId, row.id);
    current.length += length;
    offset += length;
    lines.push(line);
    firstId = Math.min(firstId, row.id);
    lastId = Math.max(lastId, row.id);
    minCreatedAt = Math.min(minCreatedAt, row.createdAt);
    maxCreatedAt = Math.max(maxCreatedAt, row.createdAt);
  }
  const bytes = new Uint8Array(offset);
  const text = lines.join("");
  const { read, written } = encoder.encodeInto(text, bytes);
  // The offsets index R2 ranged GETs: a miscount would hand an export the wrong bytes, so it is fatal here.
  if (read !== text.length || written !== offset)
    throw new Error("archive chunk length differs from its segment index");
  return {
    bytes,
    rows: rows.length,
    firstId,
    lastId,
    minCreatedAt,
    maxCreatedAt,
    segments,
    sha256: await sha256OfBytes(bytes),
  };
}

export async function sha256OfBytes(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A row without its null fields: most of a message's columns are null (the appointment's, the error's, a
 * send-later's), and leaving them out makes a line about half as long, which every later step (hashing, the
 * R2 put, the read-back, an export's ranged reads) pays for per byte. `decodeRows` puts them back.
 */
function withoutNulls(row: ArchiveRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in row) {
    const value = row[key as keyof ArchiveRow];
    if (value !== null) out[key] = value;
  }
  return out;
}

/** Every column of a message row: a key missing from an archive line is a null left out (withoutNulls). */
const MESSAGE_KEYS = Object.keys(getTableColumns(messages));

/**
 * Parses NDJSON archive bytes back into rows, each with every message column (null where the line leaves it
 * out; lines archived before that have them all). Throws on a line that is not a message row.
 */
export function decodeRows(bytes: Uint8Array | ArrayBuffer): ArchiveRow[] {
  const text = decoder.decode(bytes);
  const rows: ArchiveRow[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const row: unknown = JSON.parse(line);
    if (!isArchiveRow(row)) throw new Error("archive line is not a message row");
    const fields = row as unknown as Record<string, unknown>;
    for (const key of MESSAGE_KEYS) fields[key] ??= null;
    rows.push(row);
  }
  return rows;
}

function isArchiveRow(value: unknown): value is ArchiveRow {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.id === "number" &&
    typeof r.conversationId === "number" &&
    typeof r.numberId === "number" &&
    typeof r.createdAt === "number" &&
    typeof r.body === "string" &&
    (r.media === undefined || (Array.isArray(r.media) && r.media.every(isArchivedMedia)))
  );
}

function isArchivedMedia(value: unknown): value is ArchivedMedia {
  if (typeof value !== "object" || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.n === "number" &&
    typeof m.contentType === "string" &&
    (m.size === null || typeof m.size === "number") &&
    typeof m.fileName === "string" &&
    (m.state === "pending" || m.state === "stored" || m.state === "failed") &&
    (m.r2Key === null || typeof m.r2Key === "string")
  );
}
