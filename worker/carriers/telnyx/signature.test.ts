import { describe, it } from "vitest";
import Telnyx from "telnyx";
import { telnyxKeys } from "../../test/carriers";
import { verifyTelnyxSignature } from "./signature";

// Telnyx's SDK only verifies, so it is the oracle for what a valid signature is: we sign with a fresh
// Ed25519 key the way Telnyx documents, check the SDK accepts it, then check we agree with the SDK.
const body = JSON.stringify({
  data: { id: "e1", event_type: "message.received", payload: { text: "  hi  " } },
});

async function sdkAccepts(publicKey: string, raw: string, headers: Record<string, string>) {
  const client = new Telnyx({ apiKey: "KEY_TEST", publicKey });
  try {
    await client.webhooks.unwrap(raw, { headers });
    return true;
  } catch {
    return false;
  }
}

describe("Telnyx Ed25519 verification against the telnyx SDK", () => {
  it("accepts what the SDK accepts and refuses what it refuses", async ({ expect }) => {
    const keys = await telnyxKeys();
    const other = await telnyxKeys();
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, string, string, string, boolean]> = [
      ["valid", body, String(now), await keys.sign(body, now), true],
      ["re-serialised JSON", JSON.stringify(JSON.parse(body)), String(now), await keys.sign(body, now), true],
      ["trimmed body", body.replace("  hi  ", "hi"), String(now), await keys.sign(body, now), false],
      ["other timestamp", body, String(now + 1), await keys.sign(body, now), false],
      ["other key", body, String(now), await other.sign(body, now), false],
      ["stale (6 min)", body, String(now - 360), await keys.sign(body, now - 360), false],
      ["future (6 min)", body, String(now + 360), await keys.sign(body, now + 360), false],
      ["4 min old", body, String(now - 240), await keys.sign(body, now - 240), true],
      ["garbage signature", body, String(now), "not-base64!", false],
      ["milliseconds timestamp", body, String(now * 1000), await keys.sign(body, now * 1000), false],
    ];
    for (const [label, raw, ts, sig, valid] of cases) {
      const headers = { "telnyx-timestamp": ts, "telnyx-signature-ed25519": sig };
      // JSON.stringify(JSON.parse(body)) equals body here, so "re-serialised" is still the signed bytes.
      expect(await sdkAccepts(keys.publicKey, raw, headers), `sdk: ${label}`).toBe(valid);
      const ours = await verifyTelnyxSignature({
        publicKey: keys.publicKey,
        signature: sig,
        timestamp: ts,
        rawBody: raw,
        nowSeconds: now,
      });
      expect(ours, label).toBe(valid);
    }
    expect(
      await verifyTelnyxSignature({
        publicKey: keys.publicKey,
        signature: null,
        timestamp: String(now),
        rawBody: body,
        nowSeconds: now,
      }),
    ).toBe(false);
  });
});
