import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { PublicEnv, StaffEnv } from "../env";
import { auditInsert } from "../db/queries/audit";
import {
  clearLoginThrottle,
  createSession,
  deleteSession,
  getLoginThrottle,
  recordLoginFailure,
} from "../db/queries/sessions";
import { findUserByEmail, getUser, updateUserRow } from "../db/queries/users";
import { listVisibleNumbers, toNumberView } from "../db/queries/numbers";
import { getOrganization } from "../db/queries/organizations";
import { AppError, unauthorized } from "../lib/errors";
import { randomToken, sha256Hex } from "../lib/crypto";
import { DUMMY_HASH, verifyPassword } from "../lib/passwords";
import { validate } from "../lib/validate";
import { emailSchema } from "../lib/schemas";
import { clearSessionCookie, setSessionCookie, viewerOf } from "../middleware/session";
import { closeUserSockets } from "../realtime/close-sockets";

const loginSchema = z.strictObject({ email: emailSchema, password: z.string().min(1).max(200) });
const preferencesSchema = z
  .strictObject({ muteAlerts: z.boolean().optional(), muteSound: z.boolean().optional() })
  .refine((p) => Object.keys(p).length > 0, "name at least one switch");

/** Five wrong passwords for one e-mail within 15 minutes locks further tries until the window passes. */
const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;

/** The same answer for an unknown e-mail and a wrong password, so sign-in cannot probe for accounts. */
const WRONG_CREDENTIALS = "The e-mail or password is not right.";

/** Signing in is public: the one auth route on the allow-list. */
export const signInRoutes = new Hono<PublicEnv>().post(
  "/login",
  describeRoute({ tags: ["auth"], summary: "Sign in; sets the session cookie" }),
  validate("json", loginSchema),
  async (c) => {
    const { email, password } = c.req.valid("json");
    const db = c.get("db");
    const now = Date.now();
    const throttleKey = `email:${email}`;
    const throttle = await getLoginThrottle(db, throttleKey);
    if (throttle && throttle.failures >= MAX_FAILURES && throttle.windowStartedAt > now - WINDOW_MS) {
      const retryAfter = Math.ceil((throttle.windowStartedAt + WINDOW_MS - now) / 1000);
      throw new AppError(429, "too_many_attempts", "Too many sign-in attempts. Try again later.", {
        "Retry-After": String(retryAfter),
      });
    }
    const user = await findUserByEmail(db, email);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) {
      await recordLoginFailure(db, throttleKey, now, WINDOW_MS);
      throw unauthorized(WRONG_CREDENTIALS, "invalid_credentials");
    }
    if (!user.active) throw new AppError(403, "account_disabled", "This account has been disabled.");
    const token = randomToken();
    await createSession(db, await sha256Hex(token), user.id, now);
    await clearLoginThrottle(db, throttleKey);
    await auditInsert(db, { orgId: user.orgId, userId: user.id, action: "auth.sign_in" }, now);
    setSessionCookie(c, token);
    const view = await getUser(db, user.orgId, user.id);
    return c.json({ user: view }, 200);
  },
);

/** The signed-in user's own account; mounted behind requireSession like every staff route. */
export const accountRoutes = new Hono<StaffEnv>()
  .post("/logout", describeRoute({ tags: ["auth"], summary: "Sign out" }), async (c) => {
    const session = c.get("session");
    const db = c.get("db");
    await deleteSession(db, session.tokenHash);
    await auditInsert(db, { orgId: session.org.id, userId: session.user.id, action: "auth.sign_out" });
    // The signed-out browser's sockets must not keep streaming; the user's other browsers reconnect.
    const numbers = await listVisibleNumbers(db, viewerOf(session));
    await closeUserSockets(
      c.env,
      numbers.map((n) => n.id),
      session.user.id,
    );
    clearSessionCookie(c);
    return c.json({ ok: true }, 200);
  })
  .get(
    "/me",
    describeRoute({
      tags: ["auth"],
      summary: "The signed-in user, the practice and the numbers they may see",
    }),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      const [user, org, numbers] = await Promise.all([
        getUser(db, session.org.id, session.user.id),
        getOrganization(db, session.org.id),
        listVisibleNumbers(db, viewerOf(session)),
      ]);
      return c.json({ user, org, numbers: numbers.map(toNumberView) }, 200);
    },
  )
  .patch(
    "/preferences",
    describeRoute({
      tags: ["auth"],
      summary: "The user's own notification switches (mute the toast or the chime the admin granted)",
    }),
    validate("json", preferencesSchema),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      await updateUserRow(db, session.org.id, session.user.id, c.req.valid("json"));
      return c.json({ user: await getUser(db, session.org.id, session.user.id) }, 200);
    },
  );
