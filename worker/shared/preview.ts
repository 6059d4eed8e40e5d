/**
 * @module The queue row's preview of a conversation's last text. The server stores it with the message
 * (db/queries/inbound.ts, messages.ts); the web cuts rows it updates live the same way, so a live row and a
 * reloaded one show the same text.
 */
export const PREVIEW_LENGTH = 120;

export function previewOf(body: string): string {
  return body.slice(0, PREVIEW_LENGTH);
}
