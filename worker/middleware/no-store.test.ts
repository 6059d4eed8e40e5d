import { beforeAll, describe, it } from "vitest";
import { call, DEMO, seed, signInStaff } from "../test/helpers";
import { requestExport, waitForExport } from "../test/export-helpers";
import { demoIds, seedConversation, seedMessages, testDb } from "../test/messages-fixture";

/**
 * Every /api answer holds patient data or says something about it, so none may be kept by any cache (the
 * installed app's service worker included): a walk over the kinds of answer the API gives, successes and
 * each error path, since errors and guards answer from places a route's own header could not reach.
 */
describe("Cache-Control: no-store on /api", () => {
  let staff: string;
  beforeAll(async () => {
    await seed();
    staff = await signInStaff();
  });

  it("is on successes, the OpenAPI document and every kind of error", async ({ expect }) => {
    const cases: [string, Response, number][] = [
      ["the OpenAPI document", await call("/api/openapi.json"), 200],
      ["a signed-in read", await call("/api/auth/me", { cookie: staff }), 200],
      [
        "the sign-in answer",
        await call("/api/auth/login", { json: { email: DEMO.staff.email, password: DEMO.staff.password } }),
        200,
      ],
      ["a signed-out read (the guard's 401)", await call("/api/queue"), 401],
      ["an unknown route (404)", await call("/api/nope", { cookie: staff }), 404],
      [
        "a malformed body (the validator's 400)",
        await call("/api/auth/login", {
          body: "{",
          headers: { "content-type": "application/json" },
        }),
        400,
      ],
      [
        "a cross-site write (CSRF 403)",
        await call("/api/auth/login", {
          json: { email: DEMO.staff.email, password: DEMO.staff.password },
          headers: { origin: "https://evil.test" },
        }),
        403,
      ],
      ["an /api/v1 call without a key (401)", await call("/api/v1/patients"), 401],
    ];
    for (const [what, res, status] of cases) {
      expect.soft(res.status, what).toBe(status);
      expect.soft(res.headers.get("cache-control"), what).toBe("no-store");
    }
  });

  it("keeps the export download's own, stricter private, no-store", async ({ expect }) => {
    const db = testDb();
    const ids = await demoIds(db);
    const now = Date.now();
    const conversationId = await seedConversation(
      db,
      ids.orgId,
      ids.mainNumberId,
      DEMO.testPatientPhone,
      now,
    );
    await seedMessages(db, { orgId: ids.orgId, numberId: ids.mainNumberId, conversationId }, [
      { body: "hello", createdAt: now - 1000 },
    ]);
    const done = await waitForExport(
      staff,
      (await requestExport(staff, { numberId: ids.mainNumberId, phone: DEMO.testPatientPhone })).id,
    );
    const res = await call(`/api/exports/${done.id}/download`, { cookie: staff });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
  });

  it("is not added outside /api: the health check and the webhooks are not the API", async ({ expect }) => {
    expect((await call("/healthz")).headers.get("cache-control")).toBeNull();
  });
});
