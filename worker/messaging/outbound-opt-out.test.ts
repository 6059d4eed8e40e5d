import { beforeAll, describe, it } from "vitest";
import { DEMO, seed } from "../test/helpers";
import { simulate } from "../test/carriers";
import { practiceApi } from "../test/queue-api";

let p: Awaited<ReturnType<typeof practiceApi>>;

beforeAll(async () => {
  await seed();
  p = await practiceApi();
});

describe("opt-out and queued API texts", () => {
  it("refuses an opted-out phone up front, and fails a queued text whose phone opts out before it goes", async ({
    expect,
  }) => {
    const now = Date.now();
    await simulate("+15550112001", "STOP", DEMO.mainNumber);
    const { results } = await p.queue(
      "reminder",
      [{ phone: "+15550112001" }, { phone: "+15550112002" }],
      now,
    );
    expect(results.map((r) => [r.status, r.status === "refused" ? r.reason : null])).toEqual([
      ["refused", "opted_out"],
      ["queued", null],
    ]);
    const waiting = results[1]?.status === "queued" ? results[1].messageId : 0;

    await simulate("+15550112002", "stop", DEMO.mainNumber);
    const drained = await p.drain(now + 1000);
    expect(drained).toMatchObject({ sent: 0, failed: 1 });
    const row = await p.db.query.messages.findFirst({ where: (m, { eq }) => eq(m.id, waiting) });
    expect(row).toMatchObject({ status: "failed", errorCode: "opted_out", carrierMessageId: null });
  });
});
