import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, seed } from "../test/helpers";
import { count, postTwilio, twilioInbound } from "../test/carriers";

beforeAll(seed);

const paths = [
  "/webhooks/twilio/messages",
  "/webhooks/twilio/status",
  "/webhooks/telnyx",
  "/api/simulator/messages",
];
const contentTypes = ["application/x-www-form-urlencoded", "application/json", "text/plain", ""];

/** Random bodies: garbage, near-valid forms with random fields, and JSON of any shape. */
const body = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc
    .dictionary(
      fc.constantFrom("To", "From", "Body", "MessageSid", "AccountSid", "MessageStatus", "x"),
      fc.string({ maxLength: 40 }),
    )
    .map((d) => new URLSearchParams({ ...d, To: d.To ?? DEMO.westsideNumber }).toString()),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record({
      from: fc.string({ maxLength: 20 }),
      to: fc.constantFrom(DEMO.mainNumber, "x", "+15559990000"),
      body: fc.string({ maxLength: 50 }),
    })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      data: fc.record({
        id: fc.string(),
        event_type: fc.constantFrom("message.received", "message.sent", "x"),
        payload: fc.jsonValue({ maxDepth: 2 }),
      }),
    })
    .map((v) => JSON.stringify(v)),
);

describe("random and malformed webhooks", () => {
  it("never answer 500 and never store anything unless valid", async ({ expect }) => {
    const storedBySimulator = async () => count("messages", "carrier = 'simulator'");
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom(...contentTypes),
        body,
        fc.option(fc.base64String({ maxLength: 40 })),
        async (path, contentType, raw, signature) => {
          const before = await count("messages");
          const simBefore = await storedBySimulator();
          const res = await call(path, {
            method: "POST",
            body: raw,
            headers: {
              "content-type": contentType,
              ...(signature
                ? {
                    "x-twilio-signature": signature,
                    "telnyx-signature-ed25519": signature,
                    "telnyx-timestamp": String(Math.floor(Date.now() / 1000)),
                  }
                : {}),
            },
          });
          expect(res.status).toBeLessThan(500);
          await res.arrayBuffer();
          const after = await count("messages");
          // Only the simulator (which has no signature, by design) may store, and only on a 201.
          if (res.status !== 201) expect(after).toBe(before);
          else expect(await storedBySimulator()).toBeGreaterThan(simBefore);
        },
      ),
      { numRuns: 200 },
    );
    // A valid Twilio webhook is still accepted afterwards.
    expect((await postTwilio("/webhooks/twilio/messages", twilioInbound())).status).toBe(200);
  });
});
