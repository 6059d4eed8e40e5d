import { env } from "cloudflare:test";
import { beforeAll, describe, it } from "vitest";
import { createDb } from "../db/client";
import { findNumberByE164 } from "../db/queries/numbers";
import { getOrganization } from "../db/queries/organizations";
import { DEMO, seed } from "../test/helpers";
import { randomSid } from "../test/carriers";
import { DRAIN_BATCH, drainQueued } from "./outbound-drain";
import { queueApiMessages } from "./outbound-batch";

beforeAll(() => seed());

/**
 * The drain's pace is ten texts a second per number. If it sent a tick's texts one after another, a carrier
 * taking 300 ms per call would make that three a second; so a tick sends different phones' texts at once and
 * one phone's in order. The fake carrier below holds every answer until all the tick's phones have called:
 * a drain that sent one at a time would wait on the first answer forever (and this test would time out).
 */
describe("the drain's pace", () => {
  it("sends a tick's texts to different phones at once, and one phone's texts in order", async ({
    expect,
  }) => {
    const db = createDb(env.DB);
    const number = await findNumberByE164(db, DEMO.westsideNumber);
    const org = number && (await getOrganization(db, number.orgId));
    if (!number || !org) throw new Error("seed() did not store the Westside number");
    const now = Date.now();
    const phones = ["+15550113001", "+15550113002", "+15550113003", "+15550113004"];
    // Two rounds, so each phone has two texts due in this tick (one batch refuses a phone twice).
    for (const round of [1, 2]) {
      const { results } = await queueApiMessages({
        db,
        org,
        number,
        kind: "reminder",
        body: `Pace round ${round}`,
        recipients: phones.map((phone) => ({ phone })),
        idempotencyKey: null,
        keyId: 0,
        now: now + round,
      });
      expect(results.map((r) => r.status)).toEqual(phones.map(() => "queued"));
    }
    expect(phones.length * 2).toBeLessThanOrEqual(DRAIN_BATCH);

    const calls: { to: string; body: string }[] = [];
    let release: () => void = () => {};
    const allPhonesCalled = new Promise<void>((resolve) => (release = resolve));
    const fetch: typeof globalThis.fetch = async (_url, init) => {
      const form = new URLSearchParams(await new Response(init?.body).text());
      calls.push({ to: form.get("To") ?? "", body: form.get("Body") ?? "" });
      if (new Set(calls.map((c) => c.to)).size === phones.length) release();
      await allPhonesCalled;
      return Response.json({ sid: randomSid(), status: "queued" }, { status: 201 });
    };

    const result = await drainQueued({ db, env, numberId: number.id }, { now: () => now + 1_000, fetch });

    expect(result).toMatchObject({ sent: phones.length * 2, failed: 0 });
    // The first four calls were in flight together, one per phone; each phone's texts went in queue order.
    expect(new Set(calls.slice(0, phones.length).map((c) => c.to))).toEqual(new Set(phones));
    for (const phone of phones) {
      expect(calls.filter((c) => c.to === phone).map((c) => c.body)).toEqual([
        "Pace round 1",
        "Pace round 2",
      ]);
    }
  });
});
