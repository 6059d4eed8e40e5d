import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { DEMO, errorOf, seed } from "../test/helpers";
import { count, simulate } from "../test/carriers";
import { seedOtherPractice } from "../test/other-practice";
import { api, createApiKey, sendApi } from "../test/practice-api";

let secret: string;
let other: Awaited<ReturnType<typeof seedOtherPractice>>;

beforeAll(async () => {
  await seed();
  other = await seedOtherPractice();
  ({ secret } = await createApiKey());
  const res = await api(secret, "/patients", {
    patients: [
      { externalId: "R-1", firstName: "Rita", lastName: "Ok", phone: "+15550109001" },
      { externalId: "R-2", firstName: "Stan", lastName: "Stopped", phone: "+15550109002" },
      { externalId: "R-3", firstName: "Lena", lastName: "Landline", phone: "+44 20 7946 0958" },
    ],
  });
  if (res.status !== 200) throw new Error(`patients: ${res.status}`);
  // R-2 texts STOP to the main number.
  await simulate("+15550109002", "STOP", DEMO.mainNumber);
});

const reminder = (recipients: unknown[], extra: Record<string, unknown> = {}) => ({
  from: DEMO.mainNumber,
  kind: "reminder",
  body: "Reminder: your visit is tomorrow at 10:00.",
  recipients,
  ...extra,
});

describe("POST /api/v1/messages", () => {
  it("answers each recipient on its own: queued, or refused with its reason", async ({ expect }) => {
    const sent = await sendApi(
      secret,
      reminder([
        { externalId: "R-1" },
        { externalId: "R-2" },
        { externalId: "R-3" },
        { externalId: "NOPE" },
        { externalId: other.patient.externalId ?? "OTHER-PRACTICE" },
        { phone: "555-0109-003" },
        { phone: "12" },
      ]),
    );
    expect(sent.status).toBe(202);
    expect(sent.results.map((r) => [r.index, r.status, r.reason ?? null])).toEqual([
      [0, "queued", null],
      [1, "refused", "opted_out"],
      [2, "refused", "not_mobile"],
      [3, "refused", "unknown_patient"],
      [4, "refused", "unknown_patient"],
      [5, "queued", null],
      [6, "refused", "invalid_phone"],
    ]);
    expect(sent.summary).toEqual({ queued: 2, held: 0, refused: 5 });
    // Nothing is stored for a refused recipient.
    expect(await count("messages", "kind = 'reminder'")).toBe(2);
  });

  it("refuses a patient of another practice by externalId as unknown", async ({ expect }) => {
    await api(secret, "/patients", {
      patients: [{ externalId: "X-OTHER", firstName: "Mine", lastName: "Too", phone: "+15550109010" }],
    });
    const { secret: otherSecret } = await createApiKey("Other", other.credentials);
    const sent = await sendApi(otherSecret, {
      numberId: other.number.id,
      kind: "reminder",
      body: "Hi",
      recipients: [{ externalId: "X-OTHER" }],
    });
    expect(sent.results[0]).toMatchObject({ status: "refused", reason: "unknown_patient" });
  });

  it("answers 404 for a clinic number of another practice, by id or by E.164", async ({ expect }) => {
    const byId = await api(secret, "/messages", {
      ...reminder([{ phone: "+15550109004" }], { from: undefined }),
      numberId: other.number.id,
    });
    expect(byId.status).toBe(404);
    const byE164 = await api(
      secret,
      "/messages",
      reminder([{ phone: "+15550109004" }], { from: other.number.e164 }),
    );
    expect(byE164.status).toBe(404);
    expect((await errorOf(byE164))?.code).toBe("not_found");
  });

  it("refuses more than 1,000 recipients with 413 and stores nothing", async ({ expect }) => {
    const before = await count("messages");
    const recipients = Array.from({ length: 1001 }, (_, i) => ({
      phone: `+1555012${String(i).padStart(4, "0")}`,
    }));
    const res = await api(secret, "/messages", reminder(recipients));
    expect(res.status).toBe(413);
    expect((await errorOf(res))?.code).toBe("payload_too_large");
    expect(await count("messages")).toBe(before);
  });

  it("answers 404 for a message of another practice", async ({ expect }) => {
    expect((await simulate("+15550109099", "Hello other clinic", other.number.e164)).status).toBeLessThan(
      300,
    );
    const foreign = await env.DB.prepare("select id from messages where number_id = ? limit 1")
      .bind(other.number.id)
      .first<{ id: number }>();
    expect(foreign).not.toBeNull();
    expect((await api(secret, `/messages/${foreign?.id ?? 0}`)).status).toBe(404);
    const { results } = await sendApi(secret, reminder([{ phone: "+15550109005" }]));
    expect((await api(secret, `/messages/${results[0]?.messageId ?? 0}`)).status).toBe(200);
  });
});
