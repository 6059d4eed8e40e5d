/**
 * @module Photos and files on a text (MMS), one copy for the worker and the web app: what a message's media
 * looks like on the wire, and the limits both ends enforce (the composer before uploading, the worker again).
 */

/**
 * `pending` while the worker copies an inbound file from the carrier into R2 (after answering the webhook),
 * `stored` once it is in R2 and can be served, `failed` after the copy's retries gave up (or the file was
 * refused: too big, not the type it claims, not on the carrier's host).
 */
export const MEDIA_STATES = ["pending", "stored", "failed"] as const;
export type MediaState = (typeof MEDIA_STATES)[number];

/** One file of a message, in arrival order, as `LiveMessage.media` carries it. */
export type MessageMedia = {
  /** Position within the message, from 0, in the order the carrier listed the files. */
  n: number;
  /** The stored (verified) content type; for a pending inbound file, what the carrier said. */
  contentType: string;
  /** Bytes; null while an inbound file is still pending and the carrier did not say. */
  size: number | null;
  /** A safe name for Download ("photo-1.jpg"), never the carrier's URL or anything the patient typed. */
  fileName: string;
  state: MediaState;
  /**
   * Why a failed file could not be kept, in words for the front desk ("Photo could not be retrieved",
   * "File too large (over 10 MB)"); null unless `failed`.
   */
  note: string | null;
  /** The worker URL that serves it after the conversation's access check (`/api/media/<messageId>/<n>`); null unless stored. */
  url: string | null;
};

/** What staff may attach: the image types every US carrier's MMS gateway takes. */
export const UPLOAD_IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
export type UploadImageType = (typeof UPLOAD_IMAGE_TYPES)[number];
/** Per attached file (Twilio's MMS limit for images is 5 MB). */
export const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;
export const UPLOAD_MAX_FILES = 5;

/** An inbound text with more files than this keeps the text and notes the rest as refused. */
export const INBOUND_MEDIA_MAX = 10;
/** The largest inbound file copied into R2; a bigger one is refused with a note (the text is still stored). */
export const INBOUND_MEDIA_MAX_BYTES = 10 * 1024 * 1024;

/** The queue preview of a text that is only pictures (or files). */
export const PHOTO_PREVIEW = "📷 Photo";

export function isImageType(contentType: string): boolean {
  return /^image\/(jpeg|png|gif|webp|heic|heif|bmp)$/i.test(contentType.trim());
}

export function isUploadImageType(contentType: string): contentType is UploadImageType {
  return (UPLOAD_IMAGE_TYPES as readonly string[]).includes(contentType);
}
