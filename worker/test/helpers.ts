import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../index";
import { createDb } from "../db/client";
import { seedDemo, DEMO } from "../db/seed-demo";
import { SESSION_COOKIE } from "../middleware/session";

export { DEMO };

export const BASE = "https://textdesk.test";

/** Seeds the demo practice into this test file's isolated D1. */
export async function seed() {
  await seedDemo(createDb(env.DB), env.CREDENTIALS_KEY);
}

type Init = {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  cookie?: string;
  /**
   * Also wait for the work the request left in `waitUntil` (keyword replies, after-hours alerts, live
   * fan-out) before returning. A test that asserts something did NOT happen needs this: without it the
   * assertion could run before the background work had its chance.
   */
  settle?: boolean;
};

/** A request to the Worker as a same-origin browser would send it. */
export async function call(path: string, init: Init = {}) {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  if (init.cookie) headers.set("cookie", init.cookie);
  if (!headers.has("origin") && (init.method ?? "GET") !== "GET") headers.set("origin", BASE);
  const request = new Request(`${BASE}${path}`, {
    method: init.method ?? (init.json !== undefined || init.body !== undefined ? "POST" : "GET"),
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
  if (!init.settle) return exports.default.fetch(request);
  // The Worker's own fetch with a context we hold, so we can wait on everything it passed to waitUntil.
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** Signs in and returns the cookie header value to send on later requests. */
export async function signIn(email: string, password: string) {
  const res = await call("/api/auth/login", { json: { email, password } });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const match = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(setCookie);
  if (!match?.[1]) throw new Error("no session cookie");
  return `${SESSION_COOKIE}=${match[1]}`;
}

export const signInAdmin = () => signIn(DEMO.admin.email, DEMO.admin.password);
export const signInStaff = () => signIn(DEMO.staff.email, DEMO.staff.password);

export async function errorOf(res: Response) {
  const body: { error?: { code: string; message: string } } = await res.json();
  return body.error;
}

/** Limits the demo staff user to these clinic numbers. */
export async function grantStaff(adminCookie: string, numberIds: number[]) {
  const { users } = await (
    await call("/api/admin/users", { cookie: adminCookie })
  ).json<{ users: { id: number; email: string }[] }>();
  const staff = users.find((u) => u.email === DEMO.staff.email);
  if (!staff) throw new Error("demo staff user missing");
  const res = await call(`/api/admin/users/${staff.id}`, {
    method: "PATCH",
    cookie: adminCookie,
    json: { numberIds },
  });
  if (res.status !== 200) throw new Error(`grant failed: ${res.status}`);
}
