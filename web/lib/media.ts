/**
 * Photos and files on a text, for the screens: the words and links a thread shows for a message's media, the
 * composer's checks before an upload, and the upload itself.
 *
 * The upload route is called with plain `fetch` (the raw file as the body, its type as Content-Type), not the
 * Hono RPC client: RPC posts JSON or forms, and a photo is neither. Its answer still goes through `call`, so
 * errors read as everywhere else (`{ error: { code, message } }`) and a 401 ends the session in one place.
 */
import type { ClientResponse } from "hono/client";
import {
  isUploadImageType,
  UPLOAD_IMAGE_TYPES,
  UPLOAD_MAX_BYTES,
  UPLOAD_MAX_FILES,
  type MessageMedia,
} from "../../worker/shared/media";
import { call } from "./api";

/** What `POST /api/conversations/:id/uploads` answers (201). */
export type Upload = { id: string; contentType: string; size: number };

const UPLOAD_MAX_MB = Math.floor(UPLOAD_MAX_BYTES / (1024 * 1024));

/** What the file picker offers: only the types the worker takes. */
export const UPLOAD_ACCEPT = UPLOAD_IMAGE_TYPES.join(",");

/** Stores one file for the next reply in this conversation; the answer's id goes into the send's `uploadIds`. */
export async function uploadFile(conversationId: number, file: File): Promise<Upload> {
  const request = fetch(`/api/conversations/${conversationId}/uploads`, {
    method: "POST",
    headers: { "content-type": file.type },
    body: file,
  });
  // The route's type exists only on the worker's side of the merge; the shape is the contract's.
  const typed = request as unknown as Promise<ClientResponse<{ upload: Upload }, 201, "json">>;
  const { upload } = await call(typed);
  return upload;
}

/** The link for **Download**: the same access-checked URL, asking the worker for an attachment. */
export function downloadUrl(url: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}download=1`;
}

/** "1.2 KB", "3.4 MB", "512 bytes"; null when the size is not known yet. */
export function formatBytes(size: number | null): string | null {
  if (size === null) return null;
  if (size < 1024) return `${size} ${size === 1 ? "byte" : "bytes"}`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

const TYPE_NAMES: Record<string, string> = {
  "text/vcard": "vCard",
  "text/x-vcard": "vCard",
  "text/directory": "vCard",
  "application/pdf": "PDF",
  "text/plain": "Text file",
  "image/svg+xml": "SVG image",
};

/** A content type in words for a file chip: "vCard", "PDF", "Audio (AMR)", "Video (MP4)". */
export function typeName(contentType: string): string {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const known = TYPE_NAMES[type];
  if (known) return known;
  const [major, minor = ""] = type.split("/");
  const sub = minor.replace(/^x-/, "").toUpperCase();
  if (major === "audio") return sub ? `Audio (${sub})` : "Audio";
  if (major === "video") return sub ? `Video (${sub})` : "Video";
  if (major === "image") return sub ? `Image (${sub})` : "Image";
  return sub ? `${sub} file` : "File";
}

/** "vCard · 1.2 KB", or just the type while the size is unknown. */
export function chipLabel(media: Pick<MessageMedia, "contentType" | "size">): string {
  const size = formatBytes(media.size);
  return size ? `${typeName(media.contentType)} · ${size}` : typeName(media.contentType);
}

/**
 * Why a file may not be attached, naming it ("rash.heic is not a JPEG, PNG, GIF or WebP image"), or null.
 * The worker checks the same limits (and the bytes) again.
 */
export function uploadRefusal(file: { name: string; type: string; size: number }): string | null {
  if (!isUploadImageType(file.type)) return `${file.name} is not a JPEG, PNG, GIF or WebP image.`;
  if (file.size > UPLOAD_MAX_BYTES) {
    return `${file.name} is ${formatBytes(file.size) ?? ""}: a photo may be at most ${UPLOAD_MAX_MB} MB.`;
  }
  if (file.size === 0) return `${file.name} is empty.`;
  return null;
}

/** The refusal for files beyond the fifth. */
export function tooManyFiles(name: string): string {
  return `${name} was not added: a text may carry at most ${UPLOAD_MAX_FILES} photos.`;
}

/** A file's bytes as base64, for the simulator's JSON body (the patient's phone has no upload route). */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  // In slices: String.fromCharCode with a 5 MB argument list would overflow the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
