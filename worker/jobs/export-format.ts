/**
 * @module How one exported message becomes a CSV line or an HTML table row. Pure: no I/O.
 *
 * CSV is written for Excel: UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the local code page
 * and mangles accents and emoji), CRLF line ends and RFC 4180 quoting. Cells that a spreadsheet would run as a
 * formula (starting with = + - @ tab or CR) get a leading apostrophe, per OWASP's CSV injection advice
 * (owasp.org/www-community/attacks/CSV_Injection): a patient can put anything in a text.
 */
import type { ExportFormat, MessageDirection, MessageKind } from "../db/schema";
import type { MediaState } from "../shared/media";

/**
 * One photo or file of an exported message. The export never carries the bytes of a file (CSV) or of one past
 * the embedding cap (HTML): it says the file is kept in Textdesk's archive. `dataUri` is set only for an image
 * the HTML export embeds.
 */
export type ExportMedia = {
  fileName: string;
  contentType: string;
  size: number | null;
  state: MediaState;
  dataUri?: string;
  /** Why an image is not embedded (the export's cap), shown next to it. */
  skipped?: string;
};

export type ExportRow = {
  createdAt: number;
  direction: MessageDirection;
  kind: MessageKind;
  status: string;
  body: string;
  phone: string;
  staff: string;
  media?: readonly ExportMedia[];
};

const KB = 1024;
export function humanSize(bytes: number | null): string {
  if (bytes === null) return "size unknown";
  if (bytes < KB) return `${bytes} B`;
  if (bytes < KB * KB) return `${Math.round(bytes / KB)} KB`;
  return `${(bytes / (KB * KB)).toFixed(1)} MB`;
}

/** "photo-1.jpg (image/jpeg, 512 KB) — file kept in the Textdesk archive", or why there is no file. */
export function describeMedia(m: ExportMedia): string {
  const where =
    m.state === "stored"
      ? "file kept in the Textdesk archive"
      : m.state === "pending"
        ? "file was still being copied from the carrier"
        : "file could not be retrieved from the carrier";
  return `${m.fileName} (${m.contentType}, ${humanSize(m.size)}) — ${where}`;
}

export type Formatter = {
  contentType: string;
  extension: string;
  header(): string;
  row(r: ExportRow): string;
  footer(): string;
};

const KIND_LABELS: Record<MessageKind, string> = {
  reply: "reply",
  direct: "direct",
  reminder: "reminder",
  campaign: "campaign",
  auto_reply: "auto-reply",
  alert: "alert",
  note: "internal note",
  event: "event",
};

const DIRECTION_LABELS: Record<MessageDirection, string> = {
  in: "inbound",
  out: "outbound",
  // Notes and event lines never left the clinic; the export says so, so nobody reads one as a sent text.
  internal: "internal",
};

export function excelSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function csvCell(value: string): string {
  const safe = excelSafe(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
/** Offsets change only at transitions, which fall on a quarter hour in every zone in use. */
const OFFSET_BUCKET_MS = 15 * 60_000;

/**
 * Date and 24-hour time in the practice's timezone, as two sortable strings. `formatToParts` costs tens of
 * microseconds, which dominated a 100k-row export, so it runs once per quarter hour of timestamps to learn
 * the zone's offset and the rest is arithmetic.
 */
export function zonedClock(timeZone: string) {
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  const offsets = new Map<number, number>();
  const offsetAt = (ms: number) => {
    const bucket = Math.floor(ms / OFFSET_BUCKET_MS);
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      const at = bucket * OFFSET_BUCKET_MS;
      const p: Record<string, string> = {};
      for (const part of format.formatToParts(at)) p[part.type] = part.value;
      offset = Date.parse(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}Z`) - at;
      if (offsets.size > 10_000) offsets.clear();
      offsets.set(bucket, offset);
    }
    return offset;
  };
  return (ms: number) => {
    const d = new Date(ms + offsetAt(ms));
    return {
      date: `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
      time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    };
  };
}

/** An embedded image with its caption, or only the caption (a file, or an image past the cap). */
function mediaFigure(m: ExportMedia): string {
  const caption = escapeHtml(m.skipped ? `${describeMedia(m)} (${m.skipped})` : describeMedia(m));
  // The data URI is base64 of bytes whose image type was checked against their magic numbers: nothing in
  // it can close the attribute.
  const img = m.dataUri ? `<img src="${m.dataUri}" alt="${escapeHtml(m.fileName)}">` : "";
  return `<figure>${img}<figcaption>${caption}</figcaption></figure>`;
}

export type ExportHeading = { practice: string; numberLabel: string; scope: string; timeZone: string };

export function formatterFor(format: ExportFormat, heading: ExportHeading): Formatter {
  const clock = zonedClock(heading.timeZone);
  const cells = (r: ExportRow) => {
    const { date, time } = clock(r.createdAt);
    return [
      date,
      time,
      r.phone,
      DIRECTION_LABELS[r.direction],
      KIND_LABELS[r.kind],
      r.staff,
      r.status,
      r.body,
      (r.media ?? []).map(describeMedia).join("; "),
    ];
  };
  const columns = [
    `Date (${heading.timeZone})`,
    "Time",
    "Patient phone",
    "Direction",
    "Kind",
    "Staff",
    "Status",
    "Message",
    "Attachments",
  ];
  if (format === "csv") {
    return {
      contentType: "text/csv; charset=utf-8",
      extension: "csv",
      header: () => `\uFEFF${columns.map(csvCell).join(",")}\r\n`,
      row: (r) => `${cells(r).map(csvCell).join(",")}\r\n`,
      footer: () => "",
    };
  }
  const title = escapeHtml(`${heading.practice} · ${heading.numberLabel} · ${heading.scope}`);
  return {
    contentType: "text/html; charset=utf-8",
    extension: "html",
    header: () =>
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><style>` +
      "body{font:12px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}" +
      "th,td{border-bottom:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}" +
      "td.body{white-space:pre-wrap;word-break:break-word}tr.in td{background:#f6f6f6}" +
      "figure{margin:4px 0}figure img{max-width:320px;max-height:320px;display:block}" +
      "figcaption{color:#555}" +
      "@media print{body{margin:0}thead{display:table-header-group}tr{break-inside:avoid}}" +
      `</style></head><body><h1>${title}</h1><table><thead><tr>` +
      columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("") +
      "</tr></thead><tbody>\n",
    row: (r) => {
      const [date, time, ...rest] = cells(r).map(escapeHtml);
      rest.pop();
      const body = rest.pop() ?? "";
      return (
        `<tr class="${r.direction}"><td>${date ?? ""}</td><td>${time ?? ""}</td>` +
        rest.map((c) => `<td>${c}</td>`).join("") +
        `<td class="body">${body}</td><td>${(r.media ?? []).map(mediaFigure).join("")}</td></tr>\n`
      );
    },
    footer: () => "</tbody></table></body></html>\n",
  };
}
