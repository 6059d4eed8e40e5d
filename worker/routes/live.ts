import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import { liveEventsAfter, oldestResumableCursor } from "../db/queries/live-events";
import { findVisibleNumber, getOrgNumber, listVisibleNumbers } from "../db/queries/numbers";
import { AppError, forbidden, notFound } from "../lib/errors";
import { idParam } from "../lib/schemas";
import { validate } from "../lib/validate";
import { viewerOf } from "../middleware/session";
import { USER_HEADER, USER_NAME_HEADER } from "../realtime/clinic-number-hub";
import { hubFor } from "../messaging/hub";

/** A client further behind than this reloads its lists instead of replaying events one by one. */
const CATCH_UP_LIMIT = 500;
const DAY_MS = 86_400_000;

const eventsQuery = z.strictObject({
  after: z.coerce.number().int().min(0),
  numberId: z.coerce.number().int().positive().optional(),
});

/** Live queue: the authenticated WebSocket upgrade, and the REST catch-up a reconnecting screen uses. */
export const liveRoutes = new Hono<StaffEnv>()
  .get(
    "/numbers/:id/socket",
    describeRoute({
      tags: ["live"],
      summary: "WebSocket of a clinic number's live events (upgrade; the session must see the number)",
    }),
    validate("param", idParam),
    async (c) => {
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
        throw new AppError(426, "upgrade_required", "Connect with a WebSocket.");
      }
      // Browsers do not apply CORS to WebSockets, and the upgrade carries the session cookie: without this a
      // page on another site could open a staff member's socket and read the live queue (cross-site
      // WebSocket hijacking). A browser always sends Origin on an upgrade; a caller without one has no
      // ambient cookie to abuse.
      const origin = c.req.header("origin");
      if (origin !== undefined && origin !== new URL(c.req.url).origin) {
        throw forbidden("A live socket can only be opened from Textdesk itself.", "cross_origin");
      }
      const session = c.get("session");
      const { id } = c.req.valid("param");
      const number = await findVisibleNumber(c.get("db"), viewerOf(session), id);
      if (!number) {
        // Another practice's number does not exist for this caller; a colleague's number is forbidden.
        if (await getOrgNumber(c.get("db"), session.org.id, id))
          throw forbidden("That clinic number is not yours to see.");
        throw notFound("Clinic number");
      }
      // The object trusts this header because only the Worker can reach it, after the checks above.
      const headers = new Headers(c.req.raw.headers);
      headers.set(USER_HEADER, String(session.user.id));
      // For presence ("Sam Staff is viewing"): the object has no D1 read of its own on connect.
      headers.set(USER_NAME_HEADER, encodeURIComponent(session.user.name));
      return hubFor(c.env, number.id).fetch(new Request(c.req.raw, { headers }));
    },
  )
  .get(
    "/events",
    describeRoute({
      tags: ["live"],
      summary: "Events after a cursor for the numbers the user may see (oldest first)",
      description:
        `At most ${CATCH_UP_LIMIT}; when more were missed, \`resync\` is true and the client reloads its lists. ` +
        "A cursor older than the practice's queue window answers 410 `cursor_expired`: the events it missed " +
        "have been pruned, so the client reloads its lists instead.",
    }),
    validate("query", eventsQuery),
    async (c) => {
      const { after, numberId } = c.req.valid("query");
      const session = c.get("session");
      const visible = (await listVisibleNumbers(c.get("db"), viewerOf(session))).map((n) => n.id);
      if (numberId !== undefined && !visible.includes(numberId)) throw notFound("Clinic number");
      const ids = numberId === undefined ? visible : [numberId];
      // Events older than the window are pruned hourly (jobs/prune-live-events.ts): replaying across that gap
      // would skip them silently, so a cursor from before the window is refused whether or not the prune ran.
      const windowStart = Date.now() - session.org.queueWindowDays * DAY_MS;
      if (after < (await oldestResumableCursor(c.get("db"), windowStart))) {
        throw new AppError(410, "cursor_expired", "Too much time has passed to catch up; reload the lists.");
      }
      const events = await liveEventsAfter(c.get("db"), ids, after, CATCH_UP_LIMIT + 1);
      const resync = events.length > CATCH_UP_LIMIT;
      return c.json({ events: events.slice(0, CATCH_UP_LIMIT), resync }, 200);
    },
  );
