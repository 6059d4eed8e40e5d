/**
 * @module Builds one export file: a conversation's whole history, or an admin's date range of a clinic
 * number, streamed into R2 as CSV or printable HTML, with progress on the export's row as it goes.
 *
 * Failure is all-or-nothing for the reader: on any error the multipart upload is aborted, the key deleted and
 * the row marked failed with a reason (never a body or a phone); the row only points at a file once R2 has
 * completed it. A failed export can be retried: each attempt writes under a fresh key.
 */
import type { Db } from "../db/client";
import { getExport, markDone, markFailed, markRunning, reportProgress } from "../db/queries/exports";
import { conversationPhones, staffNames } from "../db/queries/history";
import { getOrgNumber } from "../db/queries/numbers";
import { getOrganization } from "../db/queries/organizations";
import type { HistoryExport } from "../db/schema";
import { formatPhone } from "../shared/phone";
import { formatterFor } from "./export-format";
import { exportMedia } from "./export-media";
import { ArchiveReadError, HistoryMovedError, historyPages, type HistoryScope } from "./history-source";
import { R2PartWriter, StorageError } from "./r2-part-writer";
import { describeError } from "../lib/errors";

export const EXPORT_TTL_MS = 7 * 86_400_000;
const PROGRESS_EVERY_ROWS = 5000;

export type ExportDeps = { db: Db; bucket: R2Bucket; now?: () => number; partBytes?: number };

export function exportFileName(e: Pick<HistoryExport, "id" | "format">) {
  return `textdesk-export-${e.id}.${e.format}`;
}

/** Runs a pending export to `done` or `failed`. Returns the final status; never throws for export faults. */
export async function runExport(deps: ExportDeps, exportId: number): Promise<"done" | "failed" | "skipped"> {
  const { db, bucket } = deps;
  const now = deps.now ?? Date.now;
  const job = await getExport(db, exportId);
  const started = now();
  if (!job || !(await markRunning(db, exportId, started))) return "skipped";
  let writer: R2PartWriter | undefined;
  try {
    const [org, number] = await Promise.all([
      getOrganization(db, job.orgId),
      getOrgNumber(db, job.orgId, job.numberId),
    ]);
    if (!org || !number) throw new Error("practice or number no longer exists");
    const scope = scopeOf(job);
    const names = await staffNames(db, job.orgId);
    const phones: Map<number, string> =
      scope.kind === "range" ? await conversationPhones(db, job.numberId) : new Map<number, string>();
    const format = formatterFor(job.format, {
      practice: org.name,
      numberLabel: number.label,
      scope: job.phone ?? "date range",
      timeZone: org.timezone,
    });
    const key = `exports/org-${job.orgId}/user-${job.userId}/${job.id}-${now()}.${format.extension}`;
    writer = new R2PartWriter(
      bucket,
      key,
      {
        httpMetadata: {
          contentType: format.contentType,
          contentDisposition: `attachment; filename="${exportFileName(job)}"`,
        },
        customMetadata: { exportId: String(job.id) },
      },
      deps.partBytes,
    );
    const media = await exportMedia({ db, bucket }, scope, job.format === "html");
    await writer.write(format.header());
    // Formatted for people, "(555) 000-1111": the E.164 "+1…" would need the formula guard's apostrophe.
    // Once per conversation, not per row.
    const phoneCells = new Map<number, string>();
    const phoneOf = (conversationId: number) => {
      let cell = phoneCells.get(conversationId);
      if (cell === undefined) {
        cell = formatPhone(job.phone ?? phones.get(conversationId) ?? "");
        phoneCells.set(conversationId, cell);
      }
      return cell;
    };
    let rows = 0;
    let reported = 0;
    // A page at a time: one string and one awaited write per page, not per row.
    for await (const page of historyPages({ db, bucket }, scope)) {
      let text = "";
      for (const m of page) {
        // Most rows have no files: only those wait on the lister (R2 reads, for the HTML's images).
        const listing = media.of(m);
        const files = listing === undefined ? undefined : await listing;
        text += format.row({
          createdAt: m.createdAt,
          direction: m.direction,
          kind: m.kind,
          status: m.status,
          body: m.body,
          phone: phoneOf(m.conversationId),
          staff: m.authorUserId === null ? "" : (names.get(m.authorUserId) ?? `user ${m.authorUserId}`),
          media: files,
        });
      }
      await writer.write(text);
      rows += page.length;
      if (rows - reported >= PROGRESS_EVERY_ROWS) {
        reported = rows;
        await reportProgress(db, job.id, rows, writer.bytes);
      }
    }
    await writer.write(format.footer());
    const bytes = await writer.finish();
    const finished = now();
    await markDone(db, job.id, {
      r2Key: key,
      rows,
      bytes,
      now: finished,
      expiresAt: finished + EXPORT_TTL_MS,
    });
    console.log("export done", JSON.stringify({ exportId: job.id, rows, bytes, ms: finished - started }));
    return "done";
  } catch (error) {
    await writer?.abort();
    console.error("export failed", JSON.stringify({ exportId: job.id, error: describeError(error) }));
    await markFailed(db, job.id, reasonFor(error), now());
    return "failed";
  }
}

function scopeOf(job: HistoryExport): HistoryScope {
  if (job.conversationId !== null) return { kind: "conversation", conversationId: job.conversationId };
  if (job.rangeFrom === null || job.rangeTo === null)
    throw new Error("export has neither conversation nor range");
  return { kind: "range", numberId: job.numberId, from: job.rangeFrom, to: job.rangeTo };
}

/** A reason people can act on. Storage and database messages are not shown verbatim. */
function reasonFor(error: unknown): string {
  if (error instanceof StorageError) return "File storage failed while writing the export. Try again.";
  if (error instanceof HistoryMovedError)
    return "Part of this history moved to the archive while exporting. Retry the export.";
  if (error instanceof ArchiveReadError)
    return "Part of the message archive could not be read. Try again later.";
  return "The export could not be completed. Try again.";
}
