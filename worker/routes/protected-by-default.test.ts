import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { beforeAll, describe, it } from "vitest";
import app, { isPublicPath, PUBLIC_PATHS } from "../app";
import type { PracticeApiEnv, PublicEnv, StaffEnv } from "../env";
import { BASE, call, seed, signInStaff } from "../test/helpers";

type Doc = { paths: Record<string, Record<string, unknown>> };
type Route = { method: string; path: string };

/** A concrete URL for a route pattern: `:id` or `{id}` becomes 1, a trailing wildcard a made-up segment. */
function concrete(path: string) {
  return path
    .replace(/:[A-Za-z]+(\{[^}]*\})?/g, "1")
    .replace(/\{[A-Za-z]+\}/g, "1")
    .replace(/\/\*$/, "/anything");
}

/** Every route the app answers: what Hono registered (minus guard middleware) and what OpenAPI documents. */
async function everyRoute(): Promise<Route[]> {
  const doc = await (await call("/api/openapi.json")).json<Doc>();
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
  );
  const registered = app.routes
    .filter((r) => r.method !== "ALL")
    .map((r) => ({ method: r.method, path: r.path }));
  const seen = new Map<string, Route>();
  for (const r of [...documented, ...registered]) seen.set(`${r.method} ${concrete(r.path)}`, r);
  return [...seen.values()];
}

async function anonymous(method: string, path: string, bindings = env) {
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`${BASE}${path}`, {
      method,
      headers: method === "GET" || method === "HEAD" ? {} : { "content-type": "application/json" },
      body: method === "GET" || method === "HEAD" ? undefined : "{}",
    }),
    bindings,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

beforeAll(seed);

describe("protected by default", () => {
  it("answers 401 without credentials on every route that is not on the allow-list, never a 5xx", async ({
    expect,
  }) => {
    const routes = await everyRoute();
    const guarded = routes.filter((r) => !isPublicPath(concrete(r.path)));
    // The walk must cover the app, not a sample: staff, admin and practice-API routes are all there.
    expect(guarded.length).toBeGreaterThan(40);
    expect(guarded.map((r) => r.path)).toEqual(
      expect.arrayContaining(["/api/conversations/:id/messages", "/api/admin/users", "/api/v1/messages"]),
    );
    const answers = await Promise.all(
      guarded.map(
        async (r) => `${r.method} ${r.path} ${(await anonymous(r.method, concrete(r.path))).status}`,
      ),
    );
    expect(answers).toEqual(guarded.map((r) => `${r.method} ${r.path} 401`));
  });

  it("answers every public route without a 5xx, and only paths on the allow-list are public", async ({
    expect,
  }) => {
    const publicRoutes = (await everyRoute()).filter((r) => isPublicPath(concrete(r.path)));
    expect(publicRoutes.length).toBeGreaterThan(5);
    for (const r of publicRoutes) {
      const res = await anonymous(r.method, concrete(r.path));
      expect(res.status, `${r.method} ${r.path}`).toBeLessThan(500);
      expect(res.status, `${r.method} ${r.path}`).not.toBe(401);
    }
    expect(PUBLIC_PATHS).toContain("/healthz");
  });

  it("keeps the simulator's routes hidden (404) where it is not enabled", async ({ expect }) => {
    const simulator = (await everyRoute()).filter((r) => r.path.startsWith("/api/simulator"));
    expect(simulator.length).toBeGreaterThan(0);
    const off = { ...env, SIMULATOR_ENABLED: "false" };
    for (const r of simulator) {
      expect((await anonymous(r.method, concrete(r.path), off)).status, r.path).toBe(404);
    }
  });

  it("answers an unknown path 401 to a stranger and 404 to a signed-in user", async ({ expect }) => {
    expect((await anonymous("GET", "/api/reports")).status).toBe(401);
    expect((await anonymous("POST", "/api/admin/reports")).status).toBe(401);
    expect((await anonymous("GET", "/api/v1/reports")).status).toBe(401);
    const res = await call("/api/reports", { cookie: await signInStaff() });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "No such route." } });
  });

  it("gives each part of the app only the context its guard sets (checked by tsc)", ({ expect }) => {
    const publicApp = new Hono<PublicEnv>().get("/", (c) => {
      // @ts-expect-error -- a public route has no session to read
      c.get("session");
      // @ts-expect-error -- nor an API key
      c.get("apiKey");
      return c.text("ok");
    });
    const staffApp = new Hono<StaffEnv>().get("/", (c) => {
      // @ts-expect-error -- a staff route is not the practice system
      c.get("apiKey");
      return c.text(c.get("session").user.name);
    });
    const practiceApp = new Hono<PracticeApiEnv>().get("/", (c) => {
      // @ts-expect-error -- the practice system has no staff session
      c.get("session");
      return c.text(String(c.get("apiKey").keyId));
    });
    expect([publicApp, staffApp, practiceApp].every((a) => a.routes.length === 1)).toBe(true);
  });
});
