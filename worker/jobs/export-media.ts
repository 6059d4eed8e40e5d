/**
 * @module The photos and files of exported messages: a live message's from D1 (`message_media`), an archived
 * one's from its archived row (archive-format.ts), and, for the HTML export, the images themselves as data
 * URIs read from R2, up to a cap per image and per export so a photo-heavy history stays a file people can
 * open. Past the cap an image is listed with a note instead. Never logs a key or a file name.
 */
import type { Db } from "../db/client";
import { mediaInScope } from "../db/queries/media";
import { INLINE_TYPES, sniffImage } from "../messaging/media";
import { archivedMedia, type ArchiveRow, type ArchivedMedia } from "./archive-format";
import type { ExportMedia } from "./export-format";
import type { HistoryScope } from "./history-source";

/** The largest image embedded (a 5 MB photo is ~6.7 MB of base64). */
export const EMBED_ONE_MAX_BYTES = 5 * 1024 * 1024;
/** All embedded images of one export together: past this, images are listed, not embedded. */
export const EMBED_TOTAL_MAX_BYTES = 20 * 1024 * 1024;

export const EMBED_NOTES = {
  tooLarge: "not embedded: too large for the export",
  capReached: `not embedded: this export already embeds ${EMBED_TOTAL_MAX_BYTES / (1024 * 1024)} MB of images`,
  unreadable: "not embedded: the file could not be read",
} as const;

function base64(bytes: Uint8Array): string {
  const parts: string[] = [];
  // fromCharCode takes its bytes as arguments: keep each call well under the engine's argument limit.
  for (let at = 0; at < bytes.length; at += 0x8000) {
    parts.push(String.fromCharCode(...bytes.subarray(at, at + 0x8000)));
  }
  return btoa(parts.join(""));
}

/** `of` answers undefined at once for a row without files, so the export's page loop awaits only rows with some. */
export type MediaLister = { of(row: ArchiveRow): Promise<ExportMedia[]> | undefined };

/** One export's media source; `embed` for HTML. */
export async function exportMedia(
  deps: { db: Db; bucket: R2Bucket },
  scope: HistoryScope,
  embed: boolean,
): Promise<MediaLister> {
  const live = await mediaInScope(deps.db, scope);
  let embedded = 0;

  async function dataUri(m: ArchivedMedia): Promise<Pick<ExportMedia, "dataUri" | "skipped">> {
    if (!embed || m.state !== "stored" || !m.r2Key || !INLINE_TYPES.has(m.contentType)) return {};
    if ((m.size ?? 0) > EMBED_ONE_MAX_BYTES) return { skipped: EMBED_NOTES.tooLarge };
    if (embedded + (m.size ?? 0) > EMBED_TOTAL_MAX_BYTES) return { skipped: EMBED_NOTES.capReached };
    let bytes: Uint8Array;
    try {
      const object = await deps.bucket.get(m.r2Key);
      if (!object) return { skipped: EMBED_NOTES.unreadable };
      bytes = new Uint8Array(await object.arrayBuffer());
    } catch {
      // One unreadable photo should not fail a whole history export: it is listed with the note instead.
      return { skipped: EMBED_NOTES.unreadable };
    }
    // Checked again here: only bytes that are the image type named go into the document.
    if (bytes.byteLength > EMBED_ONE_MAX_BYTES || sniffImage(bytes) !== m.contentType) {
      return { skipped: EMBED_NOTES.unreadable };
    }
    if (embedded + bytes.byteLength > EMBED_TOTAL_MAX_BYTES) return { skipped: EMBED_NOTES.capReached };
    embedded += bytes.byteLength;
    return { dataUri: `data:${m.contentType};base64,${base64(bytes)}` };
  }

  return {
    of(row) {
      const files = row.media ?? live.get(row.id)?.map(archivedMedia);
      if (!files || files.length === 0) return undefined;
      return (async () => {
        const out: ExportMedia[] = [];
        for (const m of files) {
          out.push({
            fileName: m.fileName,
            contentType: m.contentType,
            size: m.size,
            state: m.state,
            ...(await dataUri(m)),
          });
        }
        return out;
      })();
    },
  };
}
