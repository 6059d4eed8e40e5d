import { beforeAll, describe, it } from "vitest";
import { seed } from "../test/helpers";
import { practiceApi } from "../test/queue-api";
import { upsertPatients } from "../db/queries/patient-sync";

const at = (iso: string) => Date.parse(iso);
let p: Awaited<ReturnType<typeof practiceApi>>;

beforeAll(async () => {
  await seed();
  p = await practiceApi();
});

// The demo practice is in America/Chicago. Spring forward: Sunday 2026-03-08, 02:00 CST -> 03:00 CDT.
describe("quiet hours (08:00-21:00 in the patient's zone)", () => {
  it("holds a campaign text sent on the night before a DST change until 08:00 CDT, never a reminder", async ({
    expect,
  }) => {
    const saturday22 = at("2026-03-08T04:00:00Z");
    const campaign = await p.queue("campaign", [{ phone: "+15550111001" }], saturday22);
    const reminder = await p.queue("reminder", [{ phone: "+15550111002" }], saturday22);
    expect(campaign.results[0]).toMatchObject({
      status: "held",
      reason: "quiet_hours",
      sendAfter: at("2026-03-08T13:00:00Z"),
    });
    expect(reminder.results[0]).toMatchObject({ status: "queued", sendAfter: saturday22 });
    const campaignId = campaign.results[0]?.status === "held" ? campaign.results[0].messageId : 0;
    const reminderId = reminder.results[0]?.status === "queued" ? reminder.results[0].messageId : 0;

    const night = await p.drain(saturday22 + 1000);
    expect(night).toMatchObject({ sent: 1, nextAt: at("2026-03-08T13:00:00Z") });
    expect(await p.status(reminderId)).toBe("delivered");
    expect(await p.status(campaignId)).toBe("queued");

    // 07:59 CDT is 12:59Z; a fixed -06:00 offset would think the window opened at 14:00Z.
    expect((await p.drain(at("2026-03-08T12:59:00Z"))).sent).toBe(0);
    expect((await p.drain(at("2026-03-08T13:00:00Z"))).sent).toBe(1);
    expect(await p.status(campaignId)).toBe("delivered");
  });

  it("uses the patient's own zone when the practice system gave one", async ({ expect }) => {
    await upsertPatients(
      p.db,
      p.org.id,
      [
        {
          externalId: "LA-1",
          firstName: "Lou",
          lastName: "West",
          phone: "+15550111003",
          dateOfBirth: null,
          notes: null,
          timezone: "America/Los_Angeles",
        },
      ],
      { keyId: 0 },
      Date.now(),
    );
    // 08:30 in Chicago is 06:30 in Los Angeles: held until 08:00 PDT (15:00Z).
    const { results } = await p.queue("campaign", [{ externalId: "LA-1" }], at("2026-06-10T13:30:00Z"));
    expect(results[0]).toMatchObject({ status: "held", sendAfter: at("2026-06-10T15:00:00Z") });
  });

  it("holds a campaign text again when a backlog drains past 21:00", async ({ expect }) => {
    const evening = at("2026-06-11T01:59:00Z"); // 20:59 CDT
    const { results } = await p.queue("campaign", [{ phone: "+15550111004" }], evening);
    const id = results[0]?.status === "queued" ? results[0].messageId : 0;
    const late = await p.drain(at("2026-06-11T02:01:00Z")); // 21:01 CDT
    expect(late).toMatchObject({ held: 1, nextAt: at("2026-06-11T13:00:00Z") });
    expect(await p.status(id)).toBe("queued");
    expect((await p.drain(at("2026-06-11T13:00:00Z"))).sent).toBe(1);
    expect(await p.status(id)).toBe("delivered");
  });
});
