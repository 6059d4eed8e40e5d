import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import type { StaffEnv } from "../env";
import type { Session } from "../lib/principals";
import { deleteSession, findSession, touchSession } from "../db/queries/sessions";
import { forbidden, unauthorized } from "../lib/errors";
import { sha256Hex } from "../lib/crypto";
import { BACKGROUND_HEADER } from "../shared/headers";

export type { Session } from "../lib/principals";

/**
 * The `__Host-` prefix makes the browser refuse this cookie unless it is Secure, Path=/ and has no Domain, so a
 * sibling subdomain (or a plain-http page on the same host) cannot plant or overwrite a session
 * (developer.mozilla.org/docs/Web/HTTP/Cookies#cookie_prefixes).
 */
export const SESSION_COOKIE = "__Host-td_session";

/**
 * Requests the app makes on its own (live catch-up, unread counts, socket reconnects) must not keep an
 * unattended screen signed in: the web client flags them, and WebSocket upgrades are never the user's doing.
 */
function isBackground(request: Request) {
  return (
    request.headers.get(BACKGROUND_HEADER) === "1" ||
    request.headers.get("upgrade")?.toLowerCase() === "websocket"
  );
}

/** Writing last_seen on every request would cost a D1 write per click; a minute of slack is plenty. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Loads the signed-in user from the session cookie or answers 401. Enforces the practice's idle timeout
 * (HIPAA automatic logoff) and refuses users an admin has deactivated since they signed in.
 */
export const requireSession = createMiddleware<StaffEnv>(async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) throw unauthorized();
  const db = c.get("db");
  const tokenHash = await sha256Hex(token);
  const found = await findSession(db, tokenHash);
  if (!found) {
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    throw unauthorized("Your session has ended. Sign in again.", "session_expired");
  }
  const now = Date.now();
  const idleMs = found.org.idleTimeoutMinutes * 60_000;
  if (!found.user.active || now - found.session.lastSeenAt > idleMs) {
    await deleteSession(db, tokenHash);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
    throw found.user.active
      ? unauthorized("You were signed out after a period of inactivity.", "session_expired")
      : forbidden("This account has been disabled.", "account_disabled");
  }
  if (!isBackground(c.req.raw) && now - found.session.lastSeenAt > TOUCH_EVERY_MS) {
    await touchSession(db, tokenHash, now);
  }
  c.set("session", { tokenHash, user: found.user, org: found.org });
  await next();
});

export const requireAdmin = createMiddleware<StaffEnv>(async (c, next) => {
  if (c.get("session").user.role !== "admin") throw forbidden("Only an admin can do that.");
  await next();
});

export function setSessionCookie(c: Context, token: string) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
  });
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
}

/** The viewer shape the queries take, so no Hono context travels below the routes. */
export function viewerOf(session: Session) {
  return { userId: session.user.id, orgId: session.org.id, role: session.user.role };
}
