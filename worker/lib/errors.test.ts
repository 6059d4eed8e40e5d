import { sql } from "drizzle-orm";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { it } from "vitest";
import { testDb } from "../test/messages-fixture";
import { describeError } from "./errors";

const PHONE = "+15550009876";

it("describeError names a failed query and D1's reason, never the phone in its params", async ({
  expect,
}) => {
  // A real failing query: the table does not exist, so D1 refuses it after drizzle bound the phone.
  const error: unknown = await testDb()
    .run(sql`insert into no_such_table (phone) values (${PHONE})`)
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(DrizzleQueryError);
  // The premise: drizzle's own message carries the params.
  expect(error instanceof Error ? error.message : "").toContain(PHONE);

  const described = describeError(error);
  expect(described).not.toContain(PHONE);
  expect(described).toContain("DrizzleQueryError");
  expect(described).toContain("no such table");
});

it("describeError does not pass on a cause that is itself a failed query", ({ expect }) => {
  const inner = new DrizzleQueryError("select ?", [PHONE], new Error("D1_ERROR"));
  const outer = new Error(`wrapped ${PHONE}`, { cause: inner });
  expect(describeError(outer)).toBe("Error (cause: DrizzleQueryError)");
  expect(describeError("a string")).toBe("unknown");
  expect(describeError(new TypeError(`bad ${PHONE}`))).toBe("TypeError");
});

it("describeError cuts links and phones out of a cause's message (a failed media fetch)", ({ expect }) => {
  const link = "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages/MM456/Media/ME789";
  const cause = new Error(`connect ECONNREFUSED while fetching ${link} for ${PHONE}`);
  const described = describeError(new TypeError("fetch failed", { cause }));
  expect(described).toBe("TypeError (cause: Error: connect ECONNREFUSED while fetching <url> for <number>)");
});
