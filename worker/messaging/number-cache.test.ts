import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, seed, signInAdmin } from "../test/helpers";
import { count, postTwilio, randomSid, twilioInbound } from "../test/carriers";
import { sealCredentials } from "./credentials";
import {
  cachedNumber,
  clearNumberCache,
  NUMBER_CACHE_MAX,
  NUMBER_CACHE_TTL_MS,
  numberCacheStats,
  rememberNumber,
} from "./number-cache";
import type { ClinicNumber } from "../db/schema";

let admin: string;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
});

/** What another isolate's admin change does to D1: this isolate's cache is not told. */
async function rotateTokenInD1(e164: string, authToken: string) {
  const sealed = await sealCredentials(env.CREDENTIALS_KEY, "twilio", {
    accountSid: DEMO.twilio.accountSid,
    authToken,
  });
  await env.DB.prepare("update clinic_numbers set credentials_ciphertext = ? where e164 = ?")
    .bind(sealed.credentialsCiphertext, e164)
    .run();
}

/** A status callback for a text we never sent: answered 200, writes nothing, and warms the cache. */
function ignoredStatus(from: string) {
  return postTwilio("/webhooks/twilio/status", {
    MessageSid: randomSid(),
    MessageStatus: "delivered",
    AccountSid: DEMO.twilio.accountSid,
    From: from,
    To: DEMO.testPatientPhone,
    ApiVersion: "2010-04-01",
  });
}

describe("the webhook's clinic number cache", () => {
  it("is used: a second webhook for the number finds it in the isolate", async ({ expect }) => {
    clearNumberCache();
    const first = twilioInbound({ From: "+15550016001" });
    expect((await postTwilio("/webhooks/twilio/messages", first)).status).toBe(200);
    const before = numberCacheStats();
    const second = twilioInbound({ From: "+15550016001" });
    expect((await postTwilio("/webhooks/twilio/messages", second)).status).toBe(200);
    const after = numberCacheStats();
    expect(after.hits - before.hits).toBe(1);
    expect(after.misses - before.misses).toBe(0);
    expect(await count("messages", "carrier_message_id = ?", second.MessageSid)).toBe(1);
  });

  it("takes a rotated Twilio token on the very next webhook, and refuses the old one", async ({ expect }) => {
    clearNumberCache();
    const newToken = "fedcba9876543210fedcba9876543210";
    // Warm with the old token.
    expect(
      (await postTwilio("/webhooks/twilio/messages", twilioInbound({ From: "+15550016002" }))).status,
    ).toBe(200);
    await rotateTokenInD1(DEMO.westsideNumber, newToken);
    const before = numberCacheStats();
    const signedNew = twilioInbound({ From: "+15550016002", Body: "after the rotation" });
    const res = await postTwilio("/webhooks/twilio/messages", signedNew, { token: newToken });
    expect(res.status).toBe(200);
    // The cached (old) token was tried first and failed; the fresh one from D1 passed.
    expect(numberCacheStats().hits - before.hits).toBe(1);
    expect(await count("messages", "carrier_message_id = ?", signedNew.MessageSid)).toBe(1);
    // The cache now holds the new token: the old one is refused, the new one is a hit.
    const signedOld = twilioInbound({ From: "+15550016002", Body: "old token" });
    expect((await postTwilio("/webhooks/twilio/messages", signedOld)).status).toBe(403);
    expect(await count("messages", "carrier_message_id = ?", signedOld.MessageSid)).toBe(0);
    const hits = numberCacheStats().hits;
    const again = twilioInbound({ From: "+15550016002", Body: "new token again" });
    expect((await postTwilio("/webhooks/twilio/messages", again, { token: newToken })).status).toBe(200);
    expect(numberCacheStats().hits - hits).toBe(1);
    await rotateTokenInD1(DEMO.westsideNumber, DEMO.twilio.authToken);
    clearNumberCache();
  });

  it("stores nothing for a removed number and answers 404, even with a warm cache", async ({ expect }) => {
    clearNumberCache();
    const created = await call("/api/admin/numbers", {
      cookie: admin,
      json: { e164: "+15551236001", label: "Removed", carrier: "twilio", credentials: DEMO.twilio },
    });
    expect(created.status).toBe(201);
    expect((await ignoredStatus("+15551236001")).status).toBe(200);
    expect(numberCacheStats().size).toBe(1);
    // Removed behind this isolate's back (another isolate, or by hand).
    await env.DB.prepare("delete from clinic_numbers where e164 = ?").bind("+15551236001").run();
    const before = numberCacheStats();
    const params = twilioInbound({ To: "+15551236001", From: "+15550016003" });
    const res = await postTwilio("/webhooks/twilio/messages", params);
    expect(res.status).toBe(404);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe("not_found");
    expect(numberCacheStats().hits - before.hits).toBe(1);
    expect(await count("messages", "carrier_message_id = ?", params.MessageSid)).toBe(0);
    expect(await count("conversations", "phone = ?", "+15550016003")).toBe(0);
    expect(await count("carrier_events", "event_id = ?", params.MessageSid)).toBe(0);
    expect(numberCacheStats().size).toBe(0);
  });

  it("is evicted by an admin change in this isolate", async ({ expect }) => {
    clearNumberCache();
    expect((await ignoredStatus(DEMO.westsideNumber)).status).toBe(200);
    expect(numberCacheStats().size).toBe(1);
    const row = await env.DB.prepare("select id from clinic_numbers where e164 = ?")
      .bind(DEMO.westsideNumber)
      .first<{ id: number }>();
    const res = await call(`/api/admin/numbers/${String(row?.id)}`, {
      method: "PATCH",
      cookie: admin,
      json: { label: "Westside (renamed)" },
    });
    expect(res.status).toBe(200);
    expect(numberCacheStats().size).toBe(0);
  });
});

describe("number cache bounds", () => {
  const number = (e164: string) => ({ e164 }) as ClinicNumber;

  it("expires entries after the lifetime", ({ expect }) => {
    clearNumberCache();
    rememberNumber({ number: number("+15550000001"), credentials: null }, 1_000);
    expect(cachedNumber("+15550000001", 1_000 + NUMBER_CACHE_TTL_MS - 1)).toBeDefined();
    expect(cachedNumber("+15550000001", 1_000 + NUMBER_CACHE_TTL_MS)).toBeUndefined();
    expect(numberCacheStats().size).toBe(0);
  });

  it("holds at most NUMBER_CACHE_MAX numbers, dropping the oldest written", ({ expect }) => {
    clearNumberCache();
    for (let i = 0; i <= NUMBER_CACHE_MAX; i++) {
      rememberNumber({ number: number(`+1555${String(i).padStart(7, "0")}`), credentials: null }, 0);
    }
    expect(numberCacheStats().size).toBe(NUMBER_CACHE_MAX);
    expect(cachedNumber("+15550000000", 1)).toBeUndefined();
    expect(cachedNumber(`+1555${String(NUMBER_CACHE_MAX).padStart(7, "0")}`, 1)).toBeDefined();
    clearNumberCache();
  });
});
