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
import type { Message, MessageMediaRow } from "../db/schema";
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

/** Encodes one chunk (all rows of one number and one UTC day) as NDJSON with its segment index. */
export async function encodeChunk(rows: readonly ArchiveRow[]): Promise<EncodedChunk> {
  const sorted = [...rows].sort((a, b) => a.conversationId - b.conversationId || a.id - b.id);
  const lines: Uint8Array[] = [];
  const segments: Segment[] = [];
  let offset = 0;
  let current: Segment | undefined;
  for (const row of sorted) {
    const line = encoder.encode(`${JSON.stringify(row)}\n`);
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
    current.length += line.byteLength;
    offset += line.byteLength;
    lines.push(line);
  }
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const line of lines) {
    bytes.set(line, at);
    at += line.byteLength;
  }
  const ids = rows.map((r) => r.id);
  const times = rows.map((r) => r.createdAt);
  return {
    bytes,
    rows: rows.length,
    firstId: Math.min(...ids),
    lastId: Math.max(...ids),
    minCreatedAt: Math.min(...times),
    maxCreatedAt: Math.max(...times),
    segments,
    sha256: await sha256OfBytes(bytes),
  };
}

export async function sha256OfBytes(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Parses NDJSON archive bytes back into rows. Throws on a line that is not a message row. */
export function decodeRows(bytes: Uint8Array | ArrayBuffer): ArchiveRow[] {
  const text = decoder.decode(bytes);
  const rows: ArchiveRow[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const row: unknown = JSON.parse(line);
    if (!isArchiveRow(row)) throw new Error("archive line is not a message row");
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
