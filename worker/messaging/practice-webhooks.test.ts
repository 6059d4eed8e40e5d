import { beforeAll, describe, it } from "vitest";
import { DEMO, seed } from "../test/helpers";
import { eventually, simulate } from "../test/carriers";
import { sendApi } from "../test/practice-api";
import { hmacHex, keyWithWebhook, pmsEndpoint } from "../test/pms-webhooks";

let secret: string;
let webhookSecret: string;

beforeAll(async () => {
  await seed();
  ({ secret, webhookSecret } = await keyWithWebhook());
});

describe("signed webhooks to the practice system", () => {
  it("POSTs replies and status changes, in order, signed over timestamp and body", async ({ expect }) => {
    const received = pmsEndpoint(() => 204);
    const sent = await sendApi(secret, {
      from: DEMO.mainNumber,
      kind: "reminder",
      body: "Cleaning Friday at 2. Reply C to confirm.",
      recipients: [{ phone: "+15550115001" }],
    });
    const messageId = sent.results[0]?.messageId;
    await eventually(() =>
      Promise.resolve(
        expect(
          received.some((r) => r.hook.type === "message.status" && r.hook.data.messageId === messageId),
        ).toBe(true),
      ),
    );
    await simulate("+15550115001", "C", DEMO.mainNumber);
    const reply = await eventually(() => {
      const found = received.find((r) => r.hook.type === "message.received");
      expect(found).toBeDefined();
      return Promise.resolve(found);
    });
    expect(reply?.hook.data).toMatchObject({ from: "+15550115001", to: DEMO.mainNumber, body: "C" });
    for (const r of received) {
      const timestamp = r.headers.get("textdesk-timestamp") ?? "";
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
      expect(r.headers.get("textdesk-signature")).toBe(
        `v1=${await hmacHex(webhookSecret, `${timestamp}.${r.body}`)}`,
      );
    }
    const ids = received.map((r) => r.hook.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});
