import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, it } from "vitest";
import { call, DEMO, errorOf, seed } from "../test/helpers";

beforeAll(seed);
// Each test starts with no attempts counted, whatever the one before it locked.
beforeEach(async () => {
  await env.DB.prepare("DELETE FROM login_throttle").run();
});

/** One sign-in attempt from `ip`, as Cloudflare's edge would pass it on. */
function attempt(email: string, password: string, ip: string) {
  return call("/api/auth/login", { json: { email, password }, headers: { "cf-connecting-ip": ip } });
}

/** How many answers had each code: a 401 invalid_credentials is a password that was checked. */
async function tally(responses: Response[]) {
  const codes = await Promise.all(
    responses.map(async (r) => `${r.status} ${(await errorOf(r))?.code ?? "ok"}`),
  );
  const counts: Record<string, number> = {};
  for (const code of codes) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("sign-in throttle under parallel guesses", () => {
  it("checks at most 5 passwords for one account when 50 guesses arrive at once", async ({ expect }) => {
    const email = "parallel@example.com";
    // Each guess from its own address, so only the per-account limit can stop them.
    const guesses = await Promise.all(range(50).map((i) => attempt(email, `guess-${i}`, `198.51.100.${i}`)));
    // Every allowed attempt is checked and, being wrong, answers 401; the refused ones never reach the
    // password check. Reading the count before the check and recording after let all 50 through.
    expect(await tally(guesses)).toEqual({ "401 invalid_credentials": 5, "429 too_many_attempts": 45 });
    const refused = guesses.find((r) => r.status === 429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    expect(Number(refused?.headers.get("retry-after"))).toBeLessThanOrEqual(15 * 60);
  });

  it("locks the account for its real owner too, until the window passes", async ({ expect }) => {
    const guesses = await Promise.all(
      range(10).map((i) => attempt(DEMO.staff.email, `guess-${i}`, `203.0.113.${i}`)),
    );
    expect(await tally(guesses)).toEqual({ "401 invalid_credentials": 5, "429 too_many_attempts": 5 });
    expect((await attempt(DEMO.staff.email, DEMO.staff.password, "203.0.113.200")).status).toBe(429);
    // Fifteen minutes later (moved in the database, not waited for) the window starts over.
    await env.DB.prepare("UPDATE login_throttle SET window_started_at = window_started_at - ? WHERE key = ?")
      .bind(15 * 60_000, `email:${DEMO.staff.email}`)
      .run();
    expect((await attempt(DEMO.staff.email, DEMO.staff.password, "203.0.113.200")).status).toBe(200);
    // The right password cleared the count: five more tries before the next lock.
    const after = await Promise.all(range(6).map((i) => attempt(DEMO.staff.email, "nope", `203.0.113.${i}`)));
    expect(await tally(after)).toEqual({ "401 invalid_credentials": 5, "429 too_many_attempts": 1 });
  });

  it("checks at most 20 passwords from one address, whichever accounts it tries", async ({ expect }) => {
    const ip = "192.0.2.7";
    const guesses = await Promise.all(
      range(30).map((i) => attempt(`guess${i}@example.com`, "password-x", ip)),
    );
    expect(await tally(guesses)).toEqual({ "401 invalid_credentials": 20, "429 too_many_attempts": 10 });
    // That address cannot even sign in with a right password now; another address can.
    expect((await attempt(DEMO.admin.email, DEMO.admin.password, ip)).status).toBe(429);
    expect((await attempt(DEMO.admin.email, DEMO.admin.password, "192.0.2.8")).status).toBe(200);
  });

  it("counts an IPv6 client by its /64", async ({ expect }) => {
    const guesses = await Promise.all(
      range(25).map((i) => attempt(`six${i}@example.com`, "password-x", `2001:db8:1:2::${i.toString(16)}`)),
    );
    expect(await tally(guesses)).toEqual({ "401 invalid_credentials": 20, "429 too_many_attempts": 5 });
  });

  it("limits an address by its wrong passwords, not by how many staff sign in from it", async ({
    expect,
  }) => {
    const clinic = "192.0.2.50";
    const typos = await Promise.all(
      range(19).map((i) => attempt(`typo${i}@example.com`, "password-x", clinic)),
    );
    expect(await tally(typos)).toEqual({ "401 invalid_credentials": 19 });
    // A right password gives its attempt back, so a whole morning of sign-ins fits.
    for (const _ of range(25)) {
      expect((await attempt(DEMO.staff.email, DEMO.staff.password, clinic)).status).toBe(200);
    }
    expect((await attempt("typo-last@example.com", "password-x", clinic)).status).toBe(401);
    expect((await attempt("typo-more@example.com", "password-x", clinic)).status).toBe(429);
  });
});
