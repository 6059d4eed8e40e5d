/**
 * @module History exports: request one (a conversation, or an admin's date range of a number), list your
 * own with their progress, download a finished one through the Worker, retry a failed one.
 *
 * The file is built after the answer, in `waitUntil`, and the list shows its status and rows so far. That
 * keeps the request fast; `waitUntil` may run 30 s past the response
 * (developers.cloudflare.com/workers/runtime-apis/context/#waituntil), which covers ~1M rows at the measured
 * export speed; a run cut short is failed by the hourly cron and can be retried.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import { auditInsert } from "../db/queries/audit";
import { getOwnExport, insertExport, listOwnExports, resetForRetry } from "../db/queries/exports";
import { findConversation } from "../db/queries/history";
import { findVisibleNumber } from "../db/queries/numbers";
import { EXPORT_FORMATS, type HistoryExport } from "../db/schema";
import { exportFileName, runExport } from "../jobs/export-history";
import { exportRange } from "../domain/export-range";
import { AppError, badRequest, conflict, forbidden, notFound } from "../lib/errors";
import { calendarDay, idParam, phoneSchema } from "../lib/schemas";
import { validate } from "../lib/validate";
import { viewerOf } from "../middleware/session";
import { limitBody } from "../middleware/body-limit";

const day = calendarDay;
const format = z.enum(EXPORT_FORMATS).default("csv");
const numberId = z.number().int().positive();

const createInput = z.union([
  z.strictObject({ numberId, phone: phoneSchema, format }),
  z.strictObject({ numberId, from: day, to: day, format }),
]);

function toExportView(e: HistoryExport) {
  return {
    id: e.id,
    numberId: e.numberId,
    phone: e.phone,
    rangeFrom: e.rangeFrom,
    rangeTo: e.rangeTo,
    format: e.format,
    status: e.status,
    error: e.error,
    rows: e.rows,
    bytes: e.bytes,
    createdAt: e.createdAt,
    finishedAt: e.finishedAt,
    expiresAt: e.expiresAt,
    fileName: exportFileName(e),
    downloadUrl: e.status === "done" ? `/api/exports/${e.id}/download` : null,
  };
}

export const exportRoutes = new Hono<StaffEnv>()
  .post(
    "/",
    describeRoute({
      tags: ["exports"],
      summary: "Export a conversation's whole history, or (admins) a date range of a clinic number",
    }),
    limitBody(4 * 1024),
    validate("json", createInput),
    async (c) => {
      const input = c.req.valid("json");
      const db = c.get("db");
      const session = c.get("session");
      const number = await findVisibleNumber(db, viewerOf(session), input.numberId);
      if (!number) throw notFound("Clinic number");
      const now = Date.now();
      let target: {
        conversationId: number | null;
        phone: string | null;
        rangeFrom: number | null;
        rangeTo: number | null;
      };
      if ("phone" in input) {
        const conversation = await findConversation(db, session.org.id, number.id, input.phone);
        if (!conversation) throw notFound("Conversation");
        target = { conversationId: conversation.id, phone: input.phone, rangeFrom: null, rangeTo: null };
      } else {
        if (session.user.role !== "admin") throw forbidden("Only an admin can export a date range.");
        const range = exportRange(input.from, input.to, session.org.timezone);
        if (!range.ok) throw badRequest(range.message, "invalid_input");
        target = { conversationId: null, phone: null, rangeFrom: range.from, rangeTo: range.to };
      }
      const created = await insertExport(
        db,
        {
          orgId: session.org.id,
          userId: session.user.id,
          numberId: number.id,
          format: input.format,
          ...target,
        },
        now,
      );
      await auditInsert(
        db,
        {
          orgId: session.org.id,
          userId: session.user.id,
          action: "export.create",
          targetType: "export",
          targetId: created.id,
          detail: {
            numberId: number.id,
            conversationId: target.conversationId,
            scope: target.conversationId === null ? "range" : "conversation",
            format: input.format,
          },
        },
        now,
      );
      c.executionCtx.waitUntil(runExport({ db, bucket: c.env.HISTORY }, created.id));
      return c.json({ export: toExportView(created) }, 202);
    },
  )
  .get(
    "/",
    describeRoute({ tags: ["exports"], summary: "Your exports, newest first, with status and rows so far" }),
    async (c) => {
      const session = c.get("session");
      const rows = await listOwnExports(c.get("db"), session.org.id, session.user.id, 50);
      return c.json({ exports: rows.map(toExportView) }, 200);
    },
  )
  .get(
    "/:id",
    describeRoute({ tags: ["exports"], summary: "One of your exports (poll it for progress)" }),
    validate("param", idParam),
    async (c) => {
      const session = c.get("session");
      const found = await getOwnExport(c.get("db"), session.org.id, session.user.id, c.req.valid("param").id);
      if (!found) throw notFound("Export");
      return c.json({ export: toExportView(found) }, 200);
    },
  )
  .get(
    "/:id/download",
    describeRoute({ tags: ["exports"], summary: "Download a finished export (owner only; audited)" }),
    validate("param", idParam),
    async (c) => {
      const db = c.get("db");
      const session = c.get("session");
      const found = await getOwnExport(db, session.org.id, session.user.id, c.req.valid("param").id);
      // The owner must still be allowed to see the number: a revoked grant revokes the file too.
      if (
        !found?.r2Key ||
        found.status !== "done" ||
        !(await findVisibleNumber(db, viewerOf(session), found.numberId))
      ) {
        throw notFound("Export");
      }
      // The hourly cron deletes expired files; until it runs the file is still in R2, but it is past its
      // promised lifetime and must not be handed out.
      if (found.expiresAt !== null && found.expiresAt <= Date.now()) {
        throw new AppError(410, "export_expired", "This export has expired. Request a new one.");
      }
      const object = await c.env.HISTORY.get(found.r2Key);
      if (!object) throw notFound("Export");
      await auditInsert(db, {
        orgId: session.org.id,
        userId: session.user.id,
        action: "export.download",
        targetType: "export",
        targetId: found.id,
        detail: { numberId: found.numberId, bytes: object.size },
      });
      const headers = new Headers();
      object.writeHttpMetadata(headers);
      headers.set("content-disposition", `attachment; filename="${exportFileName(found)}"`);
      headers.set("cache-control", "private, no-store");
      headers.set("content-length", String(object.size));
      headers.set("etag", object.httpEtag);
      return c.body(object.body, 200, Object.fromEntries(headers));
    },
  )
  .post(
    "/:id/retry",
    describeRoute({ tags: ["exports"], summary: "Run a failed export again" }),
    validate("param", idParam),
    async (c) => {
      const db = c.get("db");
      const session = c.get("session");
      const found = await getOwnExport(db, session.org.id, session.user.id, c.req.valid("param").id);
      if (!found || !(await findVisibleNumber(db, viewerOf(session), found.numberId)))
        throw notFound("Export");
      const now = Date.now();
      const reset = await resetForRetry(db, found.id, now);
      if (!reset) throw conflict("Only a failed export can be retried.", "not_failed");
      await auditInsert(
        db,
        {
          orgId: session.org.id,
          userId: session.user.id,
          action: "export.retry",
          targetType: "export",
          targetId: found.id,
        },
        now,
      );
      c.executionCtx.waitUntil(runExport({ db, bucket: c.env.HISTORY }, found.id));
      return c.json({ export: toExportView(reset) }, 202);
    },
  );
