import { describe, it } from "vitest";
import { call, seed, signInStaff } from "../test/helpers";

type Doc = { openapi: string; paths: Record<string, Record<string, unknown>> };

describe("service endpoints", () => {
  it("answers /healthz with 200", async ({ expect }) => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("describes every API route in /api/openapi.json", async ({ expect }) => {
    const res = await call("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<Doc>();
    expect(doc.openapi).toMatch(/^3\./);
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        "POST /api/auth/login",
        "POST /api/auth/logout",
        "GET /api/auth/me",
        "GET /api/numbers",
        "GET /api/patients",
        "POST /api/patients",
        "GET /api/patients/{id}",
        "PATCH /api/patients/{id}",
        "POST /api/patients/import",
        "GET /api/admin/users",
        "POST /api/admin/users",
        "PATCH /api/admin/users/{id}",
        "POST /api/admin/numbers",
        "PATCH /api/admin/numbers/{id}",
        "GET /api/admin/settings",
        "PATCH /api/admin/settings",
        "GET /api/admin/audit",
        "POST /api/setup",
      ]),
    );
  });

  it("answers an unknown API route with the JSON error shape", async ({ expect }) => {
    await seed();
    const res = await call("/api/nope", { cookie: await signInStaff() });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "No such route." } });
  });
});
