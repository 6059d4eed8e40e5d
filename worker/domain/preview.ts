/**
 * The queue row's preview of a conversation's last text. Pure, so the web applies the same cut to rows it
 * updates live as the server stores.
 */
export const PREVIEW_LENGTH = 120;

export function previewOf(body: string): string {
  return body.slice(0, PREVIEW_LENGTH);
}
