import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import app from "../app";
import { BASE, call, DEMO, seed } from "../test/helpers";
import { count, simulate } from "../test/carriers";

beforeAll(seed);

describe("phone simulator API", () => {
  it("lists only simulator numbers and shows the phone its thread", async ({ expect }) => {
    const list = await (await call("/api/simulator/numbers")).json<{ numbers: { e164: string }[] }>();
    expect(list.numbers.map((n) => n.e164)).toEqual([DEMO.mainNumber]);
    expect((await simulate(DEMO.testPatientPhone, "Hi there")).status).toBe(201);
    const res = await call(
      `/api/simulator/phones/${encodeURIComponent(DEMO.testPatientPhone)}/messages?to=${encodeURIComponent(DEMO.mainNumber)}`,
    );
    const { messages } = await res.json<{ messages: { body: string; direction: string }[] }>();
    expect(messages).toMatchObject([{ body: "Hi there", direction: "in" }]);
    // The Twilio number is not the simulator's to read or text.
    expect(
      (
        await call(
          `/api/simulator/phones/${encodeURIComponent(DEMO.testPatientPhone)}/messages?to=${encodeURIComponent(DEMO.westsideNumber)}`,
        )
      ).status,
    ).toBe(404);
    expect((await simulate(DEMO.testPatientPhone, "Hi", DEMO.westsideNumber)).status).toBe(404);
  });

  it("does not exist when SIMULATOR_ENABLED is not true (production)", async ({ expect }) => {
    const before = await count("messages");
    for (const [path, init] of [
      ["/api/simulator/numbers", {}],
      [
        "/api/simulator/messages",
        {
          method: "POST",
          body: JSON.stringify({ from: DEMO.testPatientPhone, to: DEMO.mainNumber, body: "hi" }),
          headers: { "content-type": "application/json" },
        },
      ],
    ] as const) {
      const ctx = createExecutionContext();
      const res = await app.fetch(
        new Request(`${BASE}${path}`, init),
        { ...env, SIMULATOR_ENABLED: "false" },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      expect(res.status).toBe(404);
    }
    expect(await count("messages")).toBe(before);
  });
});
