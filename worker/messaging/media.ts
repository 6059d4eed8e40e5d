/**
 * @module What a photo or file is, whatever its direction: the type its bytes prove (magic bytes, never the
 * name or the claim alone), the safe name it is downloaded as, how it may be served, and the capability URLs
 * the carriers fetch outbound MMS from. No I/O here except WebCrypto.
 */
import type { MessageMediaRow } from "../db/schema";
import { INBOUND_MEDIA_MAX, INBOUND_MEDIA_MAX_BYTES, isImageType, type MessageMedia } from "../shared/media";
import { bytesToBase64Url, base64UrlToBytes } from "../push/base64url";
import { timingSafeEqual, utf8 } from "../lib/crypto";

/** The front desk's words for a file that could not be kept (MessageMedia.note). */
export const MEDIA_NOTES = {
  notRetrieved: "Photo could not be retrieved",
  tooLarge: `File too large (over ${INBOUND_MEDIA_MAX_BYTES / (1024 * 1024)} MB)`,
  tooMany: `Too many files on one text (${INBOUND_MEDIA_MAX} at most)`,
  notCarrierHost: "Photo could not be retrieved (not from the carrier)",
  mismatch: "File refused: it is not the type it claims",
} as const;

/** Only these are ever served inline: every other type (SVG, HTML, PDF, vCard…) is an attachment. */
export const INLINE_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/webp",
]);

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/heic": "heic",
  "image/heif": "heif",
  "image/bmp": "bmp",
  "application/pdf": "pdf",
  "text/vcard": "vcf",
  "text/x-vcard": "vcf",
  "text/plain": "txt",
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "audio/amr": "amr",
  "video/mp4": "mp4",
  "video/3gpp": "3gp",
  "video/quicktime": "mov",
};

/** "photo-1.jpg" for an image, "file-2.vcf" otherwise: from its position and type, never the carrier's name. */
export function mediaFileName(n: number, contentType: string): string {
  const type = contentType.toLowerCase();
  const ext = EXTENSIONS[type] ?? "bin";
  return `${isImageType(type) ? "photo" : "file"}-${n + 1}.${ext}`;
}

/** The R2 key of a message's n-th file. */
export function mediaKey(orgId: number, messageId: number, n: number): string {
  return `media/${orgId}/${messageId}/${n}`;
}

/** The R2 key of a staff upload (it gets a message only when sent). */
export function uploadKey(orgId: number, uploadId: string): string {
  return `media/${orgId}/uploads/${uploadId}`;
}

/** A content type reduced to `type/subtype` in lower case, or null when it is not one. */
export function normalType(contentType: string): string | null {
  const bare = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(bare) ? bare : null;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));

/** The image type the bytes are, by their magic numbers, or null. */
export function sniffImage(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a") return "image/gif";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "image/webp";
  if (ascii(bytes, 4, 8) === "ftyp") {
    const brand = ascii(bytes, 8, 12);
    if (["heic", "heix", "hevc", "hevx", "heim", "heis"].includes(brand)) return "image/heic";
    if (["mif1", "msf1"].includes(brand)) return "image/heif";
  }
  if (ascii(bytes, 0, 2) === "BM" && bytes.length > 14) return "image/bmp";
  return null;
}

/** Markup a browser might render or run (HTML, SVG, XML): never accepted under another type's name. */
function looksLikeMarkup(bytes: Uint8Array): boolean {
  let i = 0;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) i = 3;
  while (i < bytes.length && [0x09, 0x0a, 0x0c, 0x0d, 0x20].includes(bytes[i] ?? 0)) i++;
  if (bytes[i] !== 0x3c) return false;
  const head = ascii(bytes, i, i + 512).toLowerCase();
  return /^<(!doctype|html|head|body|script|svg|\?xml|iframe|!--|a |div|img|meta|style|title|p>)/.test(head);
}

const MARKUP = /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml)$/;

export type Verified = { ok: true; contentType: string } | { ok: false; note: string };

/**
 * The type a file is stored and served with, checked against its bytes. A claimed image must be an image
 * (and is stored as the image its bytes are: a "JPEG" that is a PNG is kept as PNG); a PDF must start with
 * %PDF and a vCard with BEGIN:VCARD; anything that is markup is refused whatever it claims, unless it says it
 * is markup (then it is only ever an attachment). Other types keep their claim and are served as attachments.
 */
export function verifyMedia(claimed: string, bytes: Uint8Array): Verified {
  const type = normalType(claimed) ?? "application/octet-stream";
  const image = sniffImage(bytes);
  if (type.startsWith("image/") && type !== "image/svg+xml") {
    return image ? { ok: true, contentType: image } : { ok: false, note: MEDIA_NOTES.mismatch };
  }
  if (type === "application/pdf") {
    return ascii(bytes, 0, 5) === "%PDF-"
      ? { ok: true, contentType: type }
      : { ok: false, note: MEDIA_NOTES.mismatch };
  }
  if (type === "text/vcard" || type === "text/x-vcard" || type === "text/directory") {
    const text = ascii(bytes, 0, 64)
      .replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, "")
      .trimStart();
    return text.toUpperCase().startsWith("BEGIN:VCARD")
      ? { ok: true, contentType: "text/vcard" }
      : { ok: false, note: MEDIA_NOTES.mismatch };
  }
  if (!MARKUP.test(type) && looksLikeMarkup(bytes)) return { ok: false, note: MEDIA_NOTES.mismatch };
  return { ok: true, contentType: type };
}

/** The wire shape of one stored row, with the URL that serves it on this surface (staff, simulator). */
export function toMessageMedia(row: MessageMediaRow, urlOf: (row: MessageMediaRow) => string): MessageMedia {
  return {
    n: row.n,
    contentType: row.contentType,
    size: row.size,
    fileName: mediaFileName(row.n, row.contentType),
    state: row.state,
    note: row.state === "failed" ? (row.note ?? MEDIA_NOTES.notRetrieved) : null,
    url: row.state === "stored" && row.messageId !== null ? urlOf(row) : null,
  };
}

/** Staff: served after the conversation's access check (routes/media.ts). */
export const staffMediaUrl = (row: { messageId: number | null; n: number }) =>
  `/api/media/${row.messageId ?? 0}/${row.n}`;

/** The headers every media response carries, whoever asked: the browser may not sniff, run or frame it. */
export function mediaHeaders(contentType: string, fileName: string, download: boolean): Headers {
  const inline = !download && INLINE_TYPES.has(contentType);
  return new Headers({
    // Markup is only ever bytes to save, never a document: not even its type reaches the browser.
    "content-type": inline || !MARKUP.test(contentType) ? contentType : "application/octet-stream",
    "x-content-type-options": "nosniff",
    "content-disposition": `${inline ? "inline" : "attachment"}; filename="${fileName}"`,
    "content-security-policy": "default-src 'none'; sandbox",
    "cache-control": "private, no-store",
    "cross-origin-resource-policy": "same-origin",
  });
}

// Capability URLs for the carriers (outbound MMS): `<mediaId>.<expiresAt>.<hmac>`, base64url HMAC-SHA-256 of
// "mms:<mediaId>.<expiresAt>" with MEDIA_URL_SECRET. They name one file and expire; nothing else is needed
// to fetch it, which is why they last an hour (the carriers fetch within seconds) and are never logged.

/** How long a carrier may fetch an outbound file after the send. */
export const CAPABILITY_TTL_MS = 60 * 60_000;

async function hmacKey(secret: string) {
  if (secret.length < 16) throw new Error("MEDIA_URL_SECRET is missing or too short");
  return crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

export async function signCapability(secret: string, mediaId: number, expiresAt: number): Promise<string> {
  const payload = `${mediaId}.${expiresAt}`;
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), utf8(`mms:${payload}`));
  return `${payload}.${bytesToBase64Url(new Uint8Array(mac))}`;
}

export type CapabilityCheck =
  { ok: true; mediaId: number } | { ok: false; reason: "malformed" | "tampered" | "expired" };

export async function verifyCapability(secret: string, token: string, now: number): Promise<CapabilityCheck> {
  const match = /^(\d{1,15})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: "malformed" };
  const [, id, expires, mac] = match;
  const expected = new Uint8Array(
    await crypto.subtle.sign("HMAC", await hmacKey(secret), utf8(`mms:${id ?? ""}.${expires ?? ""}`)),
  );
  let given: Uint8Array;
  try {
    given = base64UrlToBytes(mac ?? "");
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!timingSafeEqual(given, expected)) return { ok: false, reason: "tampered" };
  if (Number(expires) < now) return { ok: false, reason: "expired" };
  return { ok: true, mediaId: Number(id) };
}

export async function capabilityUrl(
  env: { PUBLIC_BASE_URL: string; MEDIA_URL_SECRET: string },
  mediaId: number,
  now: number,
): Promise<string> {
  return `${env.PUBLIC_BASE_URL}/media/c/${await signCapability(env.MEDIA_URL_SECRET, mediaId, now + CAPABILITY_TTL_MS)}`;
}
