import { beforeAll, describe, it } from "vitest";
import { errorOf, seed } from "../test/helpers";
import { count } from "../test/carriers";
import { seedOtherPractice } from "../test/other-practice";
import { api, createApiKey } from "../test/practice-api";

type Result = {
  index: number;
  externalId: string | null;
  status: string;
  id?: number;
  errors?: { field: string }[];
};
type Answer = { results: Result[]; summary: Record<string, number> };

let secret: string;
let otherSecret: string;

beforeAll(async () => {
  await seed();
  const other = await seedOtherPractice();
  ({ secret } = await createApiKey());
  ({ secret: otherSecret } = await createApiKey("Other PMS", other.credentials));
});

const patient = (externalId: string, extra: Record<string, unknown> = {}) => ({
  externalId,
  firstName: "Ana",
  lastName: "Lima",
  phone: "+15550108000",
  ...extra,
});

describe("POST /api/v1/patients", () => {
  it("stores the valid records and reports each invalid one with its field, in one call", async ({
    expect,
  }) => {
    const res = await api(secret, "/patients", {
      patients: [
        patient("P-1"),
        patient("P-2", { firstName: "", phone: "12" }),
        patient("P-3", { timezone: "America/Denver", dateOfBirth: "1980-02-29" }),
        { firstName: "No", lastName: "Id", phone: "+15550108001" },
        patient("P-1", { firstName: "Twice" }),
        patient("P-4", { timezone: "Mars/Olympus" }),
      ],
    });
    expect(res.status).toBe(200);
    const { results, summary } = await res.json<Answer>();
    expect(summary).toEqual({ created: 2, updated: 0, invalid: 4 });
    expect(results.map((r) => [r.index, r.status])).toEqual([
      [0, "created"],
      [1, "invalid"],
      [2, "created"],
      [3, "invalid"],
      [4, "invalid"],
      [5, "invalid"],
    ]);
    expect(results[1]?.errors?.map((e) => e.field)).toEqual(["firstName", "phone"]);
    expect(results[3]?.errors?.map((e) => e.field)).toEqual(["externalId"]);
    expect(results[5]?.errors?.map((e) => e.field)).toEqual(["timezone"]);
    expect(await count("patients", "external_id in ('P-1', 'P-3')")).toBe(2);
    expect(await count("patients", "external_id in ('P-2', 'P-4')")).toBe(0);
    expect(await count("patients", "external_id = 'P-3' and timezone = 'America/Denver'")).toBe(1);
  });

  it("updates by externalId on the next call, and never touches another practice's record", async ({
    expect,
  }) => {
    await api(otherSecret, "/patients", { patients: [patient("SHARED-7", { firstName: "Other" })] });
    const first = await (await api(secret, "/patients", { patients: [patient("SHARED-7")] })).json<Answer>();
    expect(first.results[0]?.status).toBe("created");
    const again = await (
      await api(secret, "/patients", { patients: [patient("SHARED-7", { lastName: "Lima-Souza" })] })
    ).json<Answer>();
    expect(again.results[0]).toMatchObject({ status: "updated", id: first.results[0]?.id });
    expect(await count("patients", "external_id = 'SHARED-7'")).toBe(2);
    expect(await count("patients", "external_id = 'SHARED-7' and first_name = 'Other'")).toBe(1);
    expect(await count("patients", "external_id = 'SHARED-7' and last_name = 'Lima-Souza'")).toBe(1);
  });

  it("stores a full batch of 1,000 in one call and refuses 1,001 with 413", async ({ expect }) => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      patient(`BULK-${i}`, { phone: `+1555011${String(i).padStart(4, "0")}` }),
    );
    const res = await api(secret, "/patients", { patients: many });
    expect(res.status).toBe(200);
    expect((await res.json<Answer>()).summary.created).toBe(1000);
    const over = await api(secret, "/patients", { patients: [...many, patient("BULK-1000")] });
    expect(over.status).toBe(413);
    expect((await errorOf(over))?.code).toBe("payload_too_large");
    expect(await count("patients", "external_id = 'BULK-1000'")).toBe(0);
  });
});
