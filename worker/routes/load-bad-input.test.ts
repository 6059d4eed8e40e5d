import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import { call, DEMO, seed, signInAdmin } from "../test/helpers";
import { count, postTwilio, twilioInbound } from "../test/carriers";
import { reportFault } from "../test/fault-summary";

beforeAll(seed);

/**
 * Where a stored text, patient, user, number, export or opt-out would land. Sign-in attempts are left out
 * on purpose: a failed login is recorded (login_throttle, audit) by design.
 */
const TABLES = [
  "messages",
  "conversations",
  "live_events",
  "carrier_events",
  "opt_outs",
  "opt_out_events",
  "patients",
  "users",
  "clinic_numbers",
  "exports",
  "sessions",
];
async function snapshot(): Promise<Record<string, number>> {
  const counts = await Promise.all(TABLES.map(async (t) => [t, await count(t)] as const));
  return Object.fromEntries(counts);
}

/** Ids and query values that no valid request carries. */
const badId = fc.constantFrom(
  "-1",
  "0",
  "abc",
  "1e309",
  "99999999999999999999",
  "%00",
  "..%2F..",
  "1%20OR%201%3D1",
  "%F0%9F%98%80",
  "",
);
/** Values of the wrong type or size for any field: never a valid field value. */
const badValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.string({ minLength: 5000, maxLength: 6000 }),
);
const FIELDS = [
  "body",
  "phone",
  "numberId",
  "idempotencyKey",
  "firstName",
  "lastName",
  "email",
  "password",
  "role",
  "name",
  "e164",
  "label",
  "carrier",
  "credentials",
  "conversationId",
  "format",
  "queueWindowDays",
  "rows",
];
const apiBody = fc.oneof(
  fc.string({ maxLength: 200 }), // not JSON at all
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), // JSON of any shape
  fc
    .dictionary(fc.constantFrom(...FIELDS), badValue, { minKeys: 1, maxKeys: 6 })
    .map((v) => JSON.stringify(v)),
);
const API_PATHS = [
  "/api/patients",
  "/api/patients/:id",
  "/api/patients/import",
  "/api/messages",
  "/api/conversations/:id/messages",
  "/api/conversations/:id/messages/:id/retry",
  "/api/conversations/:id/read",
  "/api/conversations/:id/unread",
  "/api/patients/search",
  "/api/patients?cursor=:id&limit=:id",
  "/api/queue/numbers/:id/conversations?unread=:id&cursor=:id&limit=:id",
  "/api/queue/numbers/:id/conversations/search",
  "/api/queue/numbers/:id/conversations/by-phone",
  "/api/live/events?after=:id&numberId=:id",
  "/api/exports",
  "/api/exports/:id/download",
  "/api/admin/users",
  "/api/admin/users/:id",
  "/api/admin/numbers",
  "/api/admin/numbers/:id",
  "/api/admin/numbers/:id/after-hours",
  "/api/admin/numbers/:id/keywords",
  "/api/admin/settings",
  "/api/auth/preferences",
  "/api/setup",
  "/api/v1/patients",
  "/api/v1/messages",
];
const apiCall = fc.record({
  kind: fc.constant("api" as const),
  method: fc.constantFrom("GET", "POST", "PATCH", "PUT", "DELETE"),
  path: fc
    .tuple(fc.constantFrom(...API_PATHS), fc.array(badId, { minLength: 4, maxLength: 4 }))
    .map(([p, ids]) => {
      let i = 0;
      return p.replace(/:id/g, () => ids[i++ % ids.length] ?? "x");
    }),
  body: apiBody,
  auth: fc.constantFrom("admin", "none", "garbage", "bearer"),
});

const webhookBody = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .dictionary(
      fc.constantFrom("To", "From", "Body", "MessageSid", "AccountSid", "MessageStatus", "x"),
      fc.string({ maxLength: 40 }),
    )
    .map((d) => new URLSearchParams({ ...d, To: d.To ?? DEMO.westsideNumber }).toString()),
);
const webhookCall = fc.record({
  kind: fc.constant("webhook" as const),
  path: fc.constantFrom("/webhooks/twilio/messages", "/webhooks/twilio/status", "/webhooks/telnyx"),
  contentType: fc.constantFrom("application/x-www-form-urlencoded", "application/json", "text/plain", ""),
  body: webhookBody,
  signature: fc.option(fc.base64String({ maxLength: 40 })),
});
/** Correctly signed by the number's own token, so only validation stands between the body and D1. */
const signedMalformed = fc.record({
  kind: fc.constant("signed" as const),
  path: fc.constantFrom("/webhooks/twilio/messages", "/webhooks/twilio/status"),
  params: fc.dictionary(
    fc.constantFrom("From", "Body", "MessageSid", "MessageStatus", "ErrorCode", "NumMedia", "x"),
    fc.string({ maxLength: 40 }),
  ),
});

type Input = typeof apiCall extends fc.Arbitrary<infer A> ? A : never;
type Hook = typeof webhookCall extends fc.Arbitrary<infer A> ? A : never;
type Signed = typeof signedMalformed extends fc.Arbitrary<infer A> ? A : never;

function send(input: Input | Hook | Signed, admin: string) {
  if (input.kind === "signed") {
    return postTwilio(input.path, {
      ...input.params,
      To: DEMO.westsideNumber,
      AccountSid: DEMO.twilio.accountSid,
    });
  }
  if (input.kind === "webhook") {
    return call(input.path, {
      method: "POST",
      body: input.body,
      headers: {
        "content-type": input.contentType,
        ...(input.signature
          ? {
              "x-twilio-signature": input.signature,
              "telnyx-signature-ed25519": input.signature,
              "telnyx-timestamp": String(Math.floor(Date.now() / 1000)),
            }
          : {}),
      },
    });
  }
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (input.auth === "bearer") headers.authorization = "Bearer td_live_not_a_real_key";
  return call(input.path, {
    method: input.method,
    body: input.method === "GET" ? undefined : input.body,
    headers,
    cookie:
      input.auth === "admin" ? admin : input.auth === "garbage" ? "__Host-td_session=garbage" : undefined,
  });
}

describe("bad input at volume", () => {
  // About 10-15 s for 10,000 requests in workerd on an idle box, over 70 s on a busy one: the limit catches a
  // hang, not slowness.
  it(
    "10,000 random malformed webhooks and API calls: never a 5xx, nothing stored",
    { timeout: 180_000 },
    async ({ expect }) => {
      const admin = await signInAdmin();
      const before = await snapshot();
      const inputs = [
        ...fc.sample(apiCall, { numRuns: 5000, seed: 6 }),
        ...fc.sample(webhookCall, { numRuns: 3500, seed: 7 }),
        ...fc.sample(signedMalformed, { numRuns: 1500, seed: 8 }),
      ];
      const failures: string[] = [];
      // Parallel waves: fast enough for the suite, still many requests in flight at once.
      for (let i = 0; i < inputs.length; i += 100) {
        const wave = inputs.slice(i, i + 100);
        const answers = await Promise.all(wave.map((input) => send(input, admin)));
        answers.forEach((res, j) => {
          const input = wave[j];
          if (res.status >= 500 && input)
            failures.push(`${res.status} ${JSON.stringify(input).slice(0, 300)}`);
        });
        await Promise.all(answers.map((r) => r.arrayBuffer()));
      }
      const after = await snapshot();
      // The same door still opens for a valid text after the storm: that one message must be stored.
      const valid = twilioInbound();
      const accepted = await postTwilio("/webhooks/twilio/messages", valid);
      const stored = await count("messages", "carrier_message_id = ?", valid.MessageSid);
      // Reported before the assertions, from the counts themselves, so a failure shows its size.
      reportFault({
        check: "malformed webhooks and API calls (fast-check), then one valid text",
        load: inputs.length + 1,
        faults: 0,
        badInputs: inputs.length,
        expected: 1,
        lost: 1 - stored,
        strayRows: TABLES.reduce((n, t) => n + Math.abs((after[t] ?? 0) - (before[t] ?? 0)), 0),
      });
      expect(failures.slice(0, 5)).toEqual([]);
      expect(after).toEqual(before);
      expect(accepted.status).toBe(200);
      expect(stored).toBe(1);
      expect(await count("messages")).toBe((before.messages ?? 0) + 1);
    },
  );
});
