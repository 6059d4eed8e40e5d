import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import { createDb } from "../db/client";
import { findNumberByE164 } from "../db/queries/numbers";
import { call, DEMO, errorOf, seed, signInAdmin } from "../test/helpers";

// These requests run under worker/test/d1-limits.ts, so a search that production D1 would refuse (over 100
// bound parameters, a LIKE pattern over 50 bytes) fails here as the 500 it would be there.

let cookie = "";
let numberId = 0;

beforeAll(async () => {
  await seed();
  cookie = await signInAdmin();
  const db = createDb(env.DB);
  const number = await findNumberByE164(db, DEMO.mainNumber);
  if (!number) throw new Error("no demo number");
  numberId = number.id;
  // More conversations than a page of 100, each with a patient: a full page's follow-up queries (people,
  // opt-outs) then carry 100 phones, past D1's 100 bound parameters as IN lists.
  const rows = JSON.stringify(Array.from({ length: 110 }, (_, i) => `+1555600${String(i).padStart(4, "0")}`));
  await db.run(sql`insert into conversations (org_id, number_id, phone, last_message_at, unread, created_at)
    select ${number.orgId}, ${number.id}, j.value, ${Date.now()}, 0, 0 from json_each(${rows}) as j`);
  await db.run(sql`insert into patients (org_id, first_name, last_name, phone, created_at, updated_at)
    select ${number.orgId}, 'Fuzz', 'Page', j.value, 0, 0 from json_each(${rows}) as j`);
});

type Target = "rolodex" | "queue";

/** One search request; the only place that knows how a search travels, so moving it changes one function. */
function search(target: Target, q: string, limit?: string) {
  // Searches travel in POST bodies (no PHI in URLs); the limit stays a string, as a form field would send it.
  const path =
    target === "rolodex" ? "/api/patients/search" : `/api/queue/numbers/${numberId}/conversations/search`;
  return call(path, { cookie, json: { q, ...(limit === undefined ? {} : { limit }) } });
}

const word = fc.string({ minLength: 1, maxLength: 12, unit: "grapheme" });
/** What people type and what they paste: names, digits, long words, many words, any unicode. */
const query = fc.oneof(
  fc.string({ maxLength: 110 }),
  fc.string({ maxLength: 110, unit: "grapheme" }),
  fc.string({ maxLength: 110, unit: "binary" }),
  fc.array(word, { maxLength: 60 }).map((ws) => ws.join(" ")),
  fc.stringMatching(/^[0-9 ()+\-.]{1,100}$/),
  fc.integer({ min: 1, max: 100 }).map((n) => "9".repeat(n)),
  fc.string({ minLength: 40, maxLength: 100 }).map((w) => w.replace(/\s/g, "x")),
  fc.constantFrom("%", "_", "\\", "'", '"', "%%%%", "a%b_c\\", "é", "É", "🛑", "ß", "ı", "\u0000"),
);
const limit = fc.option(
  fc.oneof(fc.integer({ min: -5, max: 300 }).map(String), fc.constantFrom("", "x", "1e3", "50.5")),
  { nil: undefined },
);

describe("random searches on the Rolodex and the queue", () => {
  for (const target of ["rolodex", "queue"] as const) {
    it(`${target}: never a 5xx; a refusal is a 400 naming q or limit`, async ({ expect }) => {
      await fc.assert(
        fc.asyncProperty(query, limit, async (q, n) => {
          const res = await search(target, q, n);
          if (res.status === 200) return;
          expect(res.status).toBe(400);
          expect((await errorOf(res))?.message).toMatch(/^(q|limit): /);
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe("search inputs past their maximums", () => {
  for (const target of ["rolodex", "queue"] as const) {
    it(`${target}: answers the cases that once failed, and refuses oversize ones by name`, async ({
      expect,
    }) => {
      const fine = [
        "1".repeat(60),
        "5".repeat(16),
        // 50 distinct one-letter words (99 characters): two parameters each was past D1's 100.
        [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"].join(" "),
        "Bartholomew-Maximilian-Fitzgerald-Worthington-Smythe-Jones-the-Third",
        "é".repeat(100),
        "🛑".repeat(50),
        "%_\\".repeat(33),
      ];
      for (const q of fine) expect((await search(target, q, "100")).status, q).toBe(200);

      const long = await search(target, "a".repeat(101));
      expect(long.status).toBe(400);
      expect((await errorOf(long))?.message).toBe("q: is longer than 100 characters");
      const big = await search(target, "a", "101");
      expect(big.status).toBe(400);
      expect((await errorOf(big))?.message).toBe("limit: must be at most 100");
      const zero = await search(target, "a", "0");
      expect((await errorOf(zero))?.message).toBe("limit: must be at least 1");
    });
  }
});
