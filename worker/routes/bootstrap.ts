/**
 * @module The first screen in one request: who is signed in, their numbers, the unread counts, the first page
 * of the chosen number's queue and the live cursor to resume from. Everything is built by the functions the
 * separate routes use (auth.ts `whoAmI`, queue.ts `unreadSummary` and `queuePage`), so the answer's parts are
 * the same shapes as GET /auth/me, GET /queue/summary and a queue page.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { StaffEnv } from "../env";
import { latestCursor } from "../db/queries/live-events";
import { notFound } from "../lib/errors";
import { validate } from "../lib/validate";
import { whoAmI } from "./auth";
import { PAGE_SIZE, queuePage, unreadSummary } from "./queue";

/** Only the number: the page is the unsearched Open view (a search would put a name in the URL). */
const bootstrapQuery = z.strictObject({ numberId: z.coerce.number().int().positive().optional() });

export const bootstrapRoutes = new Hono<StaffEnv>().get(
  "/",
  describeRoute({
    tags: ["auth"],
    summary:
      "The first screen: the signed-in user, their numbers, unread counts, the first page of a number's Open queue and the live cursor",
    description:
      "`numberId` picks the queue (404 if the user may not see it); without it, the first visible number. " +
      "`cursor` is read before the page: replaying live events after it (GET /live/events) loses nothing.",
  }),
  validate("query", bootstrapQuery),
  async (c) => {
    const session = c.get("session");
    const db = c.get("db");
    const wanted = c.req.valid("query").numberId;
    // The cursor first, then the state. An event is written with or after the change it reports, so a
    // change that lands between the two reads is both in the page and replayed after the cursor (applying an
    // event twice is harmless); read the other way round, a change after the page but before the cursor
    // would be in neither, and the screen would never learn of it.
    const cursor = await latestCursor(db);
    const me = await whoAmI(db, session);
    if (wanted !== undefined && !me.numbers.some((n) => n.id === wanted)) throw notFound("Clinic number");
    const numberId = wanted ?? me.numbers[0]?.id;
    const input = {
      q: "",
      unreadOnly: false,
      attentionOnly: false,
      view: "open",
      cursor: undefined,
      limit: PAGE_SIZE,
    } as const;
    const [unread, page] = await Promise.all([
      unreadSummary(db, session, me.numbers),
      numberId === undefined ? null : queuePage(db, session, numberId, input),
    ]);
    const queue = numberId === undefined || page === null ? null : { numberId, ...page };
    return c.json({ ...me, unread, queue, cursor }, 200);
  },
);
