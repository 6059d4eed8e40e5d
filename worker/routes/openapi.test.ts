import { describe, it } from "vitest";
import app from "../app";
import { call, seed, signInStaff } from "../test/helpers";

type Doc = { openapi: string; paths: Record<string, Record<string, unknown>> };

/**
 * Registered routes deliberately left out of the OpenAPI document, each with its reason. Everything else
 * the app registers must be described.
 */
const UNDOCUMENTED = new Set([
  // The load balancer's liveness probe: not part of any client's contract.
  "GET /healthz",
  // The document itself.
  "GET /api/openapi.json",
]);

/**
 * Every endpoint the Hono app registers (sub-apps included), as "METHOD /path/{param}". `app.use`
 * middleware is registered as method ALL; it is skipped when it guards a prefix (`/api/admin/*`) or a path
 * that has endpoints of its own. An ALL route on any other path would be an endpoint answering every
 * method, so it is kept and must be documented.
 */
function endpoints(): string[] {
  const paths = new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => r.path));
  const ops = app.routes
    .filter((r) => r.method !== "ALL" || !(r.path.endsWith("*") || paths.has(r.path)))
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}")}`);
  return [...new Set(ops)];
}

describe("service endpoints", () => {
  it("answers /healthz with 200", async ({ expect }) => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("describes every route the app registers in /api/openapi.json, and nothing else", async ({ expect }) => {
    const res = await call("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<Doc>();
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const registered = endpoints();
    // A sanity floor, so a walk over an empty list (a refactor that hides the routes) cannot pass.
    expect(registered.length).toBeGreaterThan(40);
    expect(registered.filter((op) => !documented.includes(op) && !UNDOCUMENTED.has(op))).toEqual([]);
    expect(documented.filter((op) => !registered.includes(op))).toEqual([]);
    // The exclusions are real routes: a stale entry would silently excuse a future one.
    expect([...UNDOCUMENTED].filter((op) => !registered.includes(op))).toEqual([]);
  });

  it("answers an unknown API route with the JSON error shape", async ({ expect }) => {
    await seed();
    const res = await call("/api/nope", { cookie: await signInStaff() });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "No such route." } });
  });
});
