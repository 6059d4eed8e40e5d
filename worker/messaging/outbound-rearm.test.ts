import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeAll, describe, it } from "vitest";
import { seed } from "../test/helpers";
import { eventually } from "../test/carriers";
import { practiceApi } from "../test/queue-api";
import { rearmOverdueDrains } from "./outbound-drain";

let p: Awaited<ReturnType<typeof practiceApi>>;

beforeAll(async () => {
  await seed();
  p = await practiceApi();
});

describe("the hourly cron's safety net", () => {
  it("re-arms the drain of a number whose queued texts waited too long, and they go out", async ({
    expect,
  }) => {
    // Queued ten minutes ago with no alarm set, as if the number's alarm had given up.
    const { results } = await p.queue("reminder", [{ phone: "+15550114001" }], Date.now() - 10 * 60_000);
    const id = results[0]?.status === "queued" ? results[0].messageId : 0;
    expect(await rearmOverdueDrains(p.db, env, Date.now())).toBe(1);
    await runDurableObjectAlarm(env.CLINIC_NUMBER_HUB.getByName(String(p.number.id)));
    await eventually(async () => expect(await p.status(id)).toBe("delivered"));
    expect(await rearmOverdueDrains(p.db, env, Date.now())).toBe(0);
  });
});
