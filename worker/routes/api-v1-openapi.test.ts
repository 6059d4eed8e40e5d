import { describe, it } from "vitest";
import { call } from "../test/helpers";

type Operation = {
  summary?: string;
  security?: Record<string, unknown>[];
  requestBody?: { content: Record<string, { example?: unknown }> };
  responses: Record<string, { content?: Record<string, { example?: unknown }> }>;
};
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
};

describe("OpenAPI for the practice-system API", () => {
  it("documents every v1 and API-key route with a summary, bearer security and examples", async ({
    expect,
  }) => {
    const doc = await (await call("/api/openapi.json")).json<Doc>();
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
    const v1 = [
      ["/api/v1/patients", "post", "200"],
      ["/api/v1/messages", "post", "202"],
      ["/api/v1/messages/{id}", "get", "200"],
    ] as const;
    for (const [path, method, ok] of v1) {
      const op = doc.paths[path]?.[method];
      expect(op?.summary, `${method} ${path}`).toBeTruthy();
      expect(op?.security).toEqual([{ apiKey: [] }]);
      expect(op?.responses[ok]?.content?.["application/json"]?.example).toBeDefined();
      if (method === "post") {
        const body = op?.requestBody?.content["application/json"];
        expect(body?.example, `${path} request example`).toBeDefined();
        expect(JSON.stringify(body)).toContain('"required"');
      }
    }
    // Reminders that expect an answer: the request's appointment and expects, the reminder's response.
    const send = JSON.stringify(doc.paths["/api/v1/messages"]?.post);
    for (const field of ['"appointment"', '"expects"', '"startsAt"', "invalid_starts_at"]) {
      expect(send).toContain(field);
    }
    const status = JSON.stringify(doc.paths["/api/v1/messages/{id}"]?.get);
    expect(status).toContain('"response"');
    expect(status).toContain("appointment.response");
    expect(Object.keys(doc.paths["/api/admin/api-keys"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(doc.paths["/api/admin/api-keys/{id}"]?.delete?.summary).toBeTruthy();
    expect(Object.keys(doc.paths["/api/admin/api-keys/{id}/webhook"] ?? {}).sort()).toEqual([
      "delete",
      "put",
    ]);
  });
});
