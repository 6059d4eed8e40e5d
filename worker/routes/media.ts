import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { PublicEnv, StaffEnv } from "../env";
import { findVisibleNumber, findNumberById } from "../db/queries/numbers";
import { getMediaById, getMessageFile, insertUpload } from "../db/queries/media";
import { getOptOut } from "../db/queries/opt-outs";
import type { MessageMediaRow } from "../db/schema";
import { AppError, forbidden, notFound, payloadTooLarge } from "../lib/errors";
import { idParam } from "../lib/schemas";
import { validate } from "../lib/validate";
import { randomToken } from "../lib/crypto";
import { limitBody } from "../middleware/body-limit";
import { viewerOf } from "../middleware/session";
import { mediaFileName, mediaHeaders, sniffImage, uploadKey, verifyCapability } from "../messaging/media";
import { optedOutError } from "../messaging/send-text";
import { UPLOAD_IMAGE_TYPES, UPLOAD_MAX_BYTES, isUploadImageType } from "../shared/media";
import { visibleConversation } from "./queue";

export const fileParams = z.strictObject({
  messageId: z.coerce.number().int().positive(),
  n: z.coerce.number().int().min(0).max(99),
});
const downloadQuery = z.object({ download: z.enum(["0", "1"]).optional() });

const unsupported = (message: string) => new AppError(415, "unsupported_media_type", message);

/** Serves one stored file from R2 with the headers that make it safe to open (messaging/media.ts). */
export async function serveFile(
  bucket: R2Bucket,
  row: MessageMediaRow,
  download: boolean,
): Promise<Response> {
  if (row.state !== "stored" || !row.r2Key) throw notFound("File");
  const object = await bucket.get(row.r2Key);
  if (!object) throw notFound("File");
  const headers = mediaHeaders(row.contentType, mediaFileName(row.n, row.contentType), download);
  headers.set("content-length", String(object.size));
  return new Response(object.body, { status: 200, headers });
}

/** Staff: a message's file after the conversation's access check, and the composer's uploads. */
export const mediaRoutes = new Hono<StaffEnv>()
  .get(
    "/media/:messageId/:n",
    describeRoute({
      tags: ["media"],
      summary:
        "A photo or file of a message (404 unless its conversation is visible). Only JPEG/PNG/GIF/WebP inline; everything else, and `?download=1`, as an attachment",
    }),
    validate("param", fileParams),
    validate("query", downloadQuery),
    async (c) => {
      const { messageId, n } = c.req.valid("param");
      const session = c.get("session");
      const db = c.get("db");
      const found = await getMessageFile(db, messageId, n);
      if (
        !found ||
        found.message.orgId !== session.org.id ||
        !(await findVisibleNumber(db, viewerOf(session), found.message.numberId))
      ) {
        throw notFound("File");
      }
      return serveFile(c.env.HISTORY, found.media, c.req.valid("query").download === "1");
    },
  )
  .post(
    "/conversations/:id/uploads",
    describeRoute({
      tags: ["media"],
      summary: `Upload a photo to send (raw body, Content-Type ${UPLOAD_IMAGE_TYPES.join("/")}, at most 5 MB): 201 { upload: { id, contentType, size } }, then send it with the reply's uploadIds`,
      responses: {
        201: { description: "Stored; unsent uploads are removed after a day" },
        409: { description: "The phone opted out (opted_out)" },
        413: { description: "Over 5 MB (payload_too_large)" },
        415: { description: "Not a JPEG, PNG, GIF or WebP, or the bytes are not the type said" },
      },
    }),
    // Content-Length is checked before anything is read; a chunked body is cut off at the limit.
    limitBody(UPLOAD_MAX_BYTES),
    validate("param", idParam),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const conversation = await visibleConversation(db, viewerOf(session), c.req.valid("param").id);
      const contentType = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
      if (!isUploadImageType(contentType)) {
        throw unsupported("Attach a JPEG, PNG, GIF or WebP image.");
      }
      const number = await findNumberById(db, conversation.numberId);
      if (!number) throw notFound("Conversation");
      const optOut = await getOptOut(db, number.id, conversation.phone);
      if (optOut?.optedOut) throw optedOutError(number, optOut.changedAt);
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (bytes.byteLength > UPLOAD_MAX_BYTES) throw payloadTooLarge("The photo is over 5 MB.");
      if (bytes.byteLength === 0) throw unsupported("The file is empty.");
      const actual = sniffImage(bytes);
      if (actual !== contentType) {
        throw unsupported(
          `The file is not the ${contentType.slice("image/".length).toUpperCase()} image it says it is.`,
        );
      }
      const uploadId = randomToken(18);
      const r2Key = uploadKey(session.org.id, uploadId);
      await c.env.HISTORY.put(r2Key, bytes, { httpMetadata: { contentType } });
      await insertUpload(db, {
        orgId: session.org.id,
        conversationId: conversation.id,
        uploadId,
        contentType,
        size: bytes.byteLength,
        r2Key,
        uploadedBy: session.user.id,
        now: Date.now(),
      });
      return c.json({ upload: { id: uploadId, contentType, size: bytes.byteLength } }, 201);
    },
  );

/**
 * The capability URLs carriers fetch outbound MMS from (`/media/c/<token>`, on PUBLIC_PATHS): no session,
 * the HMAC-signed token names one sent upload and expires an hour after the send.
 */
export const mediaCapabilityRoutes = new Hono<PublicEnv>().get(
  "/c/:token",
  describeRoute({
    tags: ["media"],
    summary: "A sent photo, for the carrier (signed one-hour link; 403 expired or tampered, 404 unknown)",
  }),
  validate("param", z.strictObject({ token: z.string().max(200) })),
  async (c) => {
    const check = await verifyCapability(c.env.MEDIA_URL_SECRET, c.req.valid("param").token, Date.now());
    if (!check.ok) {
      if (check.reason === "expired") throw forbidden("This photo link has expired.", "link_expired");
      if (check.reason === "tampered") throw forbidden("This photo link is not valid.", "link_invalid");
      throw notFound("Photo link");
    }
    const row = await getMediaById(c.get("db"), check.mediaId);
    // Only what staff sent: an inbound file is never reachable without a session.
    if (!row || row.uploadId === null || row.messageId === null) throw notFound("Photo");
    return serveFile(c.env.HISTORY, row, false);
  },
);
