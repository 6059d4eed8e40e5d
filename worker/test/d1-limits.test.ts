import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, it, vi } from "vitest";
import type { Env } from "../env";
import { call, seed, signInStaff } from "./helpers";
import { d1LimitViolation, d1StatementsChecked } from "./d1-limits";

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const values = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("the D1 limits every worker test runs under", () => {
  // The checker logs each refusal (a route would show only a 500); here every refusal is expected.
  beforeEach(() => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("refuses 101 bound parameters and allows 100", async ({ expect }) => {
    const ok = await env.DB.prepare(`select count(*) as n from (select 1 where 1 in (${placeholders(100)}))`)
      .bind(...values(100))
      .first<{ n: number }>();
    expect(ok?.n).toBe(1);
    expect(() => env.DB.prepare(`select 1 where 1 in (${placeholders(101)})`).bind(...values(101))).toThrow(
      /101 bound parameters .* in: select 1 where 1 in/,
    );
  });

  it("refuses a 51-byte LIKE pattern and allows 50, bound, literal or concatenated", async ({ expect }) => {
    const fifty = `%${"a".repeat(48)}%`;
    const ok = await env.DB.prepare("select 'x' like ? as hit").bind(fifty).first<{ hit: number }>();
    expect(ok?.hit).toBe(0);
    expect(() => env.DB.prepare("select 'x' LIKE ?").bind(`${fifty}b`)).toThrow(
      /51-byte LIKE pattern .* in: select 'x' LIKE \?/,
    );
    expect(() => env.DB.prepare(`select 'x' like '${fifty}b'`)).toThrow(/51-byte LIKE pattern/);
    expect(() => env.DB.prepare("select 'x' like '%' || ? || '%'").bind("a".repeat(49))).toThrow(
      /51-byte LIKE pattern/,
    );
    // Bytes, not characters: 17 three-byte characters are 51 bytes.
    expect(() => env.DB.prepare("select 'x' glob ?").bind("€".repeat(17))).toThrow(/51-byte GLOB pattern/);
    expect(d1LimitViolation("select 'x' glob ?", ["€".repeat(16)])).toBeUndefined();
  });

  it("finds the pattern among other parameters and ignores quoted text that only looks like one", ({
    expect,
  }) => {
    const long = "a".repeat(60);
    expect(d1LimitViolation("select * from t where a = ? and b like ?2", [long, "a%"])).toBeUndefined();
    expect(d1LimitViolation("select * from t where a = ? and b like ?", ["a%", long])).toMatch(/60-byte/);
    expect(d1LimitViolation(`select '?' , "like" from t where b like ?`, [long])).toMatch(/60-byte/);
    expect(d1LimitViolation(`select 'like ?' from t where b = ?`, [long])).toBeUndefined();
  });

  it("checks every statement of a batch", async ({ expect }) => {
    await expect(
      (async () =>
        env.DB.batch([
          env.DB.prepare("select 1"),
          env.DB.prepare(`select 1 where 1 in (${placeholders(101)})`).bind(...values(101)),
        ]))(),
    ).rejects.toThrow(/101 bound parameters/);
  });

  describe("sees the app's statements", () => {
    beforeAll(seed);

    it("made through exports.default.fetch", async ({ expect }) => {
      const cookie = await signInStaff();
      const before = d1StatementsChecked();
      const res = await call("/api/patients/search", { cookie, json: { q: "a" } });
      expect(res.status).toBe(200);
      expect(d1StatementsChecked()).toBeGreaterThan(before);
    });

    it("made by the Durable Object, whose env.DB is the same binding class", async ({ expect }) => {
      const hub = env.CLINIC_NUMBER_HUB.getByName("d1-limits");
      await runInDurableObject(hub, (instance) => {
        const hubEnv = (instance as unknown as { env: Env }).env;
        expect(() =>
          hubEnv.DB.prepare(`select 1 where 1 in (${placeholders(101)})`).bind(...values(101)),
        ).toThrow(/101 bound parameters/);
      });
    });
  });
});
