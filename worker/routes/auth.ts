import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { PublicEnv, StaffEnv } from "../env";
import type { Db } from "../db/client";
import { auditInsert } from "../db/queries/audit";
import {
  clearLoginThrottle,
  createSession,
  deleteSession,
  refundLoginAttempt,
  reserveLoginAttempt,
  LOGIN_WINDOW_MS,
} from "../db/queries/sessions";
import { findUserByEmail, getUser, updateUserRow } from "../db/queries/users";
import { listVisibleNumbers, toNumberView } from "../db/queries/numbers";
import { getOrganization } from "../db/queries/organizations";
import { formatPhone } from "../shared/phone";
import { AppError, unauthorized } from "../lib/errors";
import { randomToken, sha256Hex } from "../lib/crypto";
import { DUMMY_HASH, verifyPassword } from "../lib/passwords";
import { validate } from "../lib/validate";
import { emailSchema } from "../lib/schemas";
import { clearSessionCookie, setSessionCookie, viewerOf, type Session } from "../middleware/session";
import { limitBody } from "../middleware/body-limit";
import { clientKey } from "../domain/client-key";
import { closeUserSockets } from "../realtime/close-sockets";

const loginSchema = z.strictObject({ email: emailSchema, password: z.string().min(1).max(200) });
const preferencesSchema = z
  .strictObject({ muteAlerts: z.boolean().optional(), muteSound: z.boolean().optional() })
  .refine((p) => Object.keys(p).length > 0, "name at least one switch");

/**
 * Sign-in attempts per 15-minute window: 5 for one e-mail (a person mistyping gets five tries), 20 for one
 * client address (one guesser trying many accounts; a right password refunds its attempt, so a clinic where
 * everyone signs in from one address is not locked out by its own staff). Both are reserved before the
 * password is checked, so parallel guesses cannot outrun the count.
 */
const MAX_ATTEMPTS_PER_ACCOUNT = 5;
const MAX_ATTEMPTS_PER_CLIENT = 20;
/** A sign-in body is an e-mail and a password: 4 KiB is ample, and nothing bigger is read. */
const MAX_LOGIN_BYTES = 4 * 1024;

/**
 * The same answer for an unknown e-mail, a wrong password and a disabled account (whatever the password),
 * so sign-in cannot probe for accounts, nor tell a guesser that a disabled account's password was right.
 */
const WRONG_CREDENTIALS = "The e-mail or password is not right.";

/** Signing in is public: the one auth route on the allow-list. */
export const signInRoutes = new Hono<PublicEnv>().post(
  "/login",
  describeRoute({ tags: ["auth"], summary: "Sign in; sets the session cookie" }),
  limitBody(MAX_LOGIN_BYTES),
  validate("json", loginSchema),
  async (c) => {
    const { email, password } = c.req.valid("json");
    const db = c.get("db");
    const now = Date.now();
    const accountKey = `email:${email}`;
    const ipKey = clientKey(c.req.header("cf-connecting-ip"));
    const attempt = await reserveLoginAttempt(
      db,
      [
        { key: accountKey, limit: MAX_ATTEMPTS_PER_ACCOUNT },
        { key: ipKey, limit: MAX_ATTEMPTS_PER_CLIENT },
      ],
      now,
      LOGIN_WINDOW_MS,
    );
    if (!attempt.allowed) {
      throw new AppError(429, "too_many_attempts", "Too many sign-in attempts. Try again later.", {
        "Retry-After": String(Math.ceil(attempt.retryAfterMs / 1000)),
      });
    }
    const user = await findUserByEmail(db, email);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    // A disabled account is refused like a wrong password even when the password is right: the attempt
    // stays counted, and the answer says nothing about whether the account exists or the guess was good.
    if (!user || !ok || !user.active) throw unauthorized(WRONG_CREDENTIALS, "invalid_credentials");
    const token = randomToken();
    await createSession(db, await sha256Hex(token), user.id, now);
    await Promise.all([clearLoginThrottle(db, accountKey), refundLoginAttempt(db, ipKey)]);
    await auditInsert(db, { orgId: user.orgId, userId: user.id, action: "auth.sign_in" }, now);
    setSessionCookie(c, token);
    const view = await getUser(db, user.orgId, user.id);
    return c.json({ user: view }, 200);
  },
);

/**
 * The signed-in user, the practice and the numbers they may see: GET /me's answer, and the part of the first
 * screen's bootstrap (routes/bootstrap.ts) that says who is signed in. Each number carries its display form,
 * so the web app need not ship the phone library to show the number picker.
 */
export async function whoAmI(db: Db, session: Session) {
  const [user, org, numbers] = await Promise.all([
    getUser(db, session.org.id, session.user.id),
    getOrganization(db, session.org.id),
    listVisibleNumbers(db, viewerOf(session)),
  ]);
  return {
    user,
    org,
    numbers: numbers.map((n) => ({ ...toNumberView(n), phoneDisplay: formatPhone(n.e164) })),
  };
}

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
    async (c) => c.json(await whoAmI(c.get("db"), c.get("session")), 200),
  )
  .patch(
    "/preferences",
    describeRoute({
      tags: ["auth"],
      summary: "The user's own notification switches (mute the toast or the chime the admin granted)",
    }),
    limitBody(1024),
    validate("json", preferencesSchema),
    async (c) => {
      const session = c.get("session");
      const db = c.get("db");
      await updateUserRow(db, session.org.id, session.user.id, c.req.valid("json"));
      return c.json({ user: await getUser(db, session.org.id, session.user.id) }, 200);
    },
  );
