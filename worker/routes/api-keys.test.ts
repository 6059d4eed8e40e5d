import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, errorOf, seed, signInStaff } from "../test/helpers";
import { api, createApiKey } from "../test/practice-api";

beforeAll(seed);

describe("API keys", () => {
  it("shows the secret once and keeps only its SHA-256 at rest", async ({ expect }) => {
    const { id, prefix, secret, cookie } = await createApiKey("PMS sync");
    expect(secret).toMatch(/^tdk_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(prefix)).toBe(true);
    const row = await env.DB.prepare("select * from api_keys where id = ?")
      .bind(id)
      .first<Record<string, unknown>>();
    expect(Object.values(row ?? {})).not.toContain(secret);
    const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(row?.secret_hash).toBe(hash);
    const list = await (
      await call("/api/admin/api-keys", { cookie })
    ).json<{ apiKeys: Record<string, unknown>[] }>();
    const listed = list.apiKeys.find((k) => k.id === id);
    expect(listed).toMatchObject({ name: "PMS sync", prefix, lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(secret);
    expect(JSON.stringify(list)).not.toContain(hash);
  });

  it("only admins manage keys", async ({ expect }) => {
    const staff = await signInStaff();
    expect((await call("/api/admin/api-keys", { cookie: staff, json: { name: "x" } })).status).toBe(403);
  });

  it("authenticates, records last use, and refuses a revoked key on its very next request", async ({
    expect,
  }) => {
    const { id, secret, cookie } = await createApiKey("Revoke me");
    expect((await api(secret, "/messages/999999")).status).toBe(404);
    const used = await env.DB.prepare("select last_used_at from api_keys where id = ?").bind(id).first<{
      last_used_at: number | null;
    }>();
    expect(used?.last_used_at).toBeGreaterThan(0);

    const revoked = await call(`/api/admin/api-keys/${id}`, { method: "DELETE", cookie });
    expect(revoked.status).toBe(200);
    const refused = await api(secret, "/messages/999999");
    expect(refused.status).toBe(401);
    expect((await errorOf(refused))?.code).toBe("invalid_api_key");
    expect((await call(`/api/admin/api-keys/${id}`, { method: "DELETE", cookie })).status).toBe(404);
  });

  it("answers 401 to a missing, malformed or unknown key, and ignores a session cookie", async ({
    expect,
  }) => {
    const { cookie } = await createApiKey("Another");
    expect((await call("/api/v1/messages/1", { cookie })).status).toBe(401);
    expect((await api("not-a-key", "/messages/1")).status).toBe(401);
    const unknown = await api(`tdk_${"A".repeat(43)}`, "/messages/1");
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("www-authenticate")).toContain("Bearer");
  });
});
