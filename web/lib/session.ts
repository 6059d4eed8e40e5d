/**
 * Who is signed in. One store for the whole app: sign-in fills it, sign-out and any 401 empty it, and the
 * authenticated shell sends the user to /login whenever it is empty.
 */
import { createStore, reconcile } from "solid-js/store";
import { api, call, onUnauthorized, type ApiError, type Ok } from "./api";
import { msSinceInput } from "./user-activity";

export type Me = Ok<Awaited<ReturnType<typeof api.api.auth.me.$get>>>;

export const IDLE_NOTICE = "You were signed out after a period of inactivity.";

type SessionState = {
  status: "unknown" | "signed-in" | "signed-out";
  me: Me | null;
  /** Shown on the sign-in page: why the user is there. */
  notice: string | null;
};

const [session, setSession] = createStore<SessionState>({ status: "unknown", me: null, notice: null });
export { session };

onUnauthorized((error: ApiError) => {
  setSession({
    status: "signed-out",
    me: null,
    notice: error.code === "session_expired" ? IDLE_NOTICE : session.notice,
  });
});

export function isAdmin() {
  return session.me?.user?.role === "admin";
}

const askMe = () => call(api.api.auth.me.$get());
let loading: Promise<void> | null = null;

/**
 * Asks the server who we are; a 401 lands in the handler above. One question at a time: while one is out, a
 * second caller shares its answer (the shell asks on mount, and on the queue the first screen's bootstrap,
 * which answers it too, is already out: queue-store.ts `loadFirstScreen`). `ask` is what answers it.
 */
export function loadSession(ask: () => Promise<Me> = askMe): Promise<void> {
  loading ??= (async () => {
    try {
      const me = await ask();
      setSession({ status: "signed-in", notice: null });
      setSession("me", reconcile(me));
    } catch {
      if (session.status === "unknown") setSession("status", "signed-out");
    } finally {
      loading = null;
    }
  })();
  return loading;
}

/**
 * Throws the API's error (wrong password, too many attempts) for the sign-in form to show. `load` then says
 * who signed in: by default GET /api/auth/me; the sign-in page passes the queue's first screen when that is
 * where it goes next, which answers it too.
 */
export async function signIn(email: string, password: string, load: () => Promise<void> = loadSession) {
  await call(api.api.auth.login.$post({ json: { email, password } }));
  setSession("notice", null);
  await load();
  // Signed in on the server, but the app's first answer failed (a network drop, a 5xx): say so on the form
  // rather than leave it sitting there; a second try signs in again.
  if (session.status !== "signed-in") throw new Error("signed in, but the first screen did not load");
}

export async function signOut() {
  try {
    await call(api.api.auth.logout.$post());
  } catch {
    // Already signed out on the server (expired, or a 401 handled above): the browser side still ends.
  }
  setSession({ status: "signed-out", me: null, notice: null });
}

/**
 * The server enforces the idle timeout, but only learns of it on the next request: a screen left open
 * would keep showing patient data. Once the practice's idle time has passed without the user touching the
 * screen, ask the server (as a background request, which does not extend the session), whose 401 signs the
 * browser out too.
 */
export function watchIdle(): () => void {
  const timer = setInterval(() => {
    const minutes = session.me?.org?.idleTimeoutMinutes;
    if (session.status !== "signed-in" || !minutes) return;
    if (msSinceInput() > minutes * 60_000 + 5_000) void loadSession();
  }, 30_000);
  return () => clearInterval(timer);
}

/** Tests start from a clean slate. */
export function resetSession() {
  setSession({ status: "unknown", me: null, notice: null });
}
