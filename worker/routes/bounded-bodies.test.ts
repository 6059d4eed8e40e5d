import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import app, { isPublicPath } from "../app";
import { BODY_LIMITS } from "../middleware/body-limit";
import { BASE, DEMO, errorOf, seed, signInAdmin } from "../test/helpers";
import { count, postTwilio, twilioInbound } from "../test/carriers";
import { createApiKey } from "../test/practice-api";

beforeAll(seed);

/**
 * POST routes that take no body at all. They never read it, so nothing is buffered and no limit is needed;
 * any other POST, PUT or PATCH without a limitBody fails the walk below.
 */
const TAKES_NO_BODY = [
  "POST /api/auth/logout",
  "POST /api/exports/:id/retry",
  "POST /api/conversations/:id/messages/:messageId/retry",
  "POST /api/conversations/:id/read",
  "POST /api/conversations/:id/unread",
];

/** Where an over-size body could leave a trace: stored texts and records, sessions, throttle counts, audit. */
const TABLES = [
  "messages",
  "conversations",
  "live_events",
  "carrier_events",
  "opt_outs",
  "patients",
  "users",
  "clinic_numbers",
  "exports",
  "sessions",
  "login_throttle",
  "audit_log",
  "api_keys",
  "message_media",
];
async function snapshot() {
  const counts = await Promise.all(TABLES.map(async (t) => [t, await count(t)] as const));
  return Object.fromEntries(counts);
}

type BodyRoute = { method: string; path: string; limit: number };

/** Every POST, PUT and PATCH the app registered, with the limit its limitBody set (undefined: none). */
function bodyRoutes() {
  const byRoute = new Map<string, { method: string; path: string; limit?: number }>();
  for (const r of app.routes) {
    if (!["POST", "PUT", "PATCH"].includes(r.method)) continue;
    const key = `${r.method} ${r.path}`;
    const entry = byRoute.get(key) ?? { method: r.method, path: r.path };
    entry.limit ??= BODY_LIMITS.get(r.handler);
    byRoute.set(key, entry);
  }
  return [...byRoute.values()];
}

/** A concrete URL for a route pattern: every `:param` becomes 1. */
const concrete = (path: string) => path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, "1");

/** `size` bytes as a stream of `chunk`-byte pieces, with no Content-Length: what a chunked upload sends. */
function chunked(size: number, chunk: number) {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(chunk, size - sent);
      controller.enqueue(new Uint8Array(n).fill(0x78));
      sent += n;
    },
  });
}

type Credentials = { cookie: string; apiKey: string };

/** The route's own credentials, so the limit is what answers: none for public routes, else admin or key. */
function send(route: BodyRoute, body: BodyInit, credentials: Credentials) {
  const path = concrete(route.path);
  const headers = new Headers({ "content-type": "application/json" });
  if (path.startsWith("/api/v1/")) headers.set("authorization", `Bearer ${credentials.apiKey}`);
  else if (!isPublicPath(path)) {
    headers.set("cookie", credentials.cookie);
    headers.set("origin", BASE);
  } else headers.set("origin", BASE);
  if (path === "/api/patients/import") headers.set("content-type", "text/csv");
  return exports.default.fetch(new Request(`${BASE}${path}`, { method: route.method, headers, body }));
}

describe("bodies bounded before they are read", () => {
  it("gives every route that takes a body a limit, sized as documented", ({ expect }) => {
    const routes = bodyRoutes();
    expect(routes.length).toBeGreaterThan(20);
    const unbounded = routes.filter((r) => r.limit === undefined).map((r) => `${r.method} ${r.path}`);
    expect(unbounded.sort()).toEqual([...TAKES_NO_BODY].sort());
    const limitOf = (method: string, path: string) =>
      routes.find((r) => r.method === method && r.path === path)?.limit;
    expect(limitOf("POST", "/webhooks/twilio/messages")).toBe(64 * 1024);
    expect(limitOf("POST", "/webhooks/telnyx")).toBe(64 * 1024);
    expect(limitOf("POST", "/api/auth/login")).toBe(4 * 1024);
    expect(limitOf("POST", "/api/setup")).toBe(4 * 1024);
    // Photos (issue 14): up to 5 MB of files in base64 beside the text.
    expect(limitOf("POST", "/api/simulator/messages")).toBe(Math.ceil((5 * 1024 * 1024 * 4) / 3) + 16 * 1024);
    expect(limitOf("POST", "/api/conversations/:id/uploads")).toBe(5 * 1024 * 1024);
  });

  it("answers 413 to a chunked body one byte over any route's limit, and stores nothing", async ({
    expect,
  }) => {
    const { secret } = await createApiKey("bounded bodies");
    const credentials = { cookie: await signInAdmin(), apiKey: secret };
    const routes = bodyRoutes().filter((r): r is BodyRoute => r.limit !== undefined);
    const before = await snapshot();
    const answers = await Promise.all(
      routes.map(async (r) => {
        const res = await send(r, chunked(r.limit + 1, 16 * 1024), credentials);
        return `${r.method} ${r.path} ${res.status} ${(await errorOf(res))?.code}`;
      }),
    );
    expect(answers).toEqual(routes.map((r) => `${r.method} ${r.path} 413 payload_too_large`));
    expect(await snapshot()).toEqual(before);
  });

  it("lets a chunked body of exactly the limit through to the route (which then judges it)", async ({
    expect,
  }) => {
    const { secret } = await createApiKey("at the limit");
    const credentials = { cookie: await signInAdmin(), apiKey: secret };
    const routes = bodyRoutes().filter((r): r is BodyRoute => r.limit !== undefined);
    for (const r of routes) {
      const res = await send(r, chunked(r.limit, 16 * 1024), credentials);
      expect(res.status, `${r.method} ${r.path}`).not.toBe(413);
      expect(res.status, `${r.method} ${r.path}`).toBeLessThan(500);
      await res.arrayBuffer();
    }
  });

  it("signs in with a chunked body (the limit hands the buffered body on)", async ({ expect }) => {
    const json = new TextEncoder().encode(
      JSON.stringify({ email: DEMO.staff.email, password: DEMO.staff.password }),
    );
    const res = await exports.default.fetch(
      new Request(`${BASE}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: BASE },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(json.slice(0, 10));
            controller.enqueue(json.slice(10));
            controller.close();
          },
        }),
      }),
    );
    expect(res.status).toBe(200);
  });

  it(
    "fuzz: huge bodies, chunked or declared, in any piece size, to any route: 413 and nothing stored",
    {
      timeout: 60_000,
    },
    async ({ expect }) => {
      const { secret } = await createApiKey("fuzz");
      const credentials = { cookie: await signInAdmin(), apiKey: secret };
      const routes = bodyRoutes().filter((r): r is BodyRoute => r.limit !== undefined);
      const before = await snapshot();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes),
          fc.integer({ min: 1, max: 256 * 1024 }),
          // Pieces of a few hundred bytes or more: one-byte pieces of a 2 MiB body would only test the runner.
          fc.integer({ min: 256, max: 64 * 1024 }),
          fc.boolean(),
          async (route, over, piece, declared) => {
            const size = route.limit + over;
            // A declared body has its Content-Length, so the limit answers before reading a byte of it.
            const body = declared ? new Uint8Array(size).fill(0x7b) : chunked(size, piece);
            const res = await send(route, body, credentials);
            expect(res.status, `${route.method} ${route.path} ${size}`).toBe(413);
            expect((await errorOf(res))?.code).toBe("payload_too_large");
          },
        ),
        { numRuns: 60 },
      );
      expect(await snapshot()).toEqual(before);
      // The door still opens for a real webhook afterwards.
      expect((await postTwilio("/webhooks/twilio/messages", twilioInbound())).status).toBe(200);
    },
  );
});
