import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { CARRIERS, type Carrier } from "../db/schema";
import { call, errorOf, seed, signInAdmin } from "../test/helpers";
import { count } from "../test/carriers";
import { CARRIER_ADAPTERS, carrierAdapter, describeCarrierError } from "./registry";

/** One valid set of credentials per carrier: a new carrier without one here fails to compile. */
const VALID = {
  twilio: { accountSid: `AC${"a1".repeat(16)}`, authToken: "0f".repeat(16) },
  telnyx: {
    apiKey: "KEY0123456789abcdef",
    publicKey: btoa(String.fromCharCode(...new Uint8Array(32).fill(7))),
    messagingProfileId: "profile-1",
  },
  simulator: undefined,
} satisfies Record<Carrier, unknown>;

let admin: string;
beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
});

describe("carrier registry", () => {
  it("has exactly one adapter per carrier, each providing every member", ({ expect }) => {
    expect(CARRIER_ADAPTERS.map((a) => a.name).sort()).toEqual([...CARRIERS].sort());
    for (const carrier of CARRIERS) {
      const adapter = carrierAdapter(carrier);
      expect(adapter.name).toBe(carrier);
      for (const method of ["apiBase", "locate", "verify", "parse", "send"] as const) {
        expect(typeof adapter[method], `${carrier}.${method}`).toBe("function");
      }
      if (adapter.credentials !== null) {
        expect(typeof adapter.credentials.schema.safeParse).toBe("function");
        expect(typeof adapter.credentials.accountId).toBe("function");
      }
      expect(Array.isArray(adapter.webhooks)).toBe(true);
      for (const route of adapter.webhooks) {
        expect(route.path, `${carrier} webhook path`).toMatch(new RegExp(`^/${carrier}(/|$)`));
        expect(route.summary.length).toBeGreaterThan(0);
        expect(typeof route.answer).toBe("function");
      }
      expect(typeof adapter.keywords.handledByDefault).toBe("boolean");
      expect(adapter.keywords.answers).toBeInstanceOf(Set);
      expect(typeof adapter.errors).toBe("object");
    }
  });

  it("reads each carrier's REST base from Env, with the real origin as default", ({ expect }) => {
    const set = { TWILIO_API_BASE: "https://twilio.example", TELNYX_API_BASE: "https://telnyx.example" };
    const unset = { TWILIO_API_BASE: "", TELNYX_API_BASE: "" };
    const apiBase = (carrier: Carrier, vars: typeof set) =>
      carrierAdapter(carrier).apiBase({ ...env, ...vars });
    expect(apiBase("twilio", set)).toBe("https://twilio.example");
    expect(apiBase("telnyx", set)).toBe("https://telnyx.example");
    expect(apiBase("twilio", unset)).toBe("https://api.twilio.com");
    expect(apiBase("telnyx", unset)).toBe("https://api.telnyx.com");
    expect(apiBase("simulator", set)).toBe("");
  });

  it("keeps error codes unique across carriers, so a status report needs no carrier name", ({ expect }) => {
    const codes = CARRIER_ADAPTERS.flatMap((a) => Object.keys(a.errors));
    expect(new Set(codes).size).toBe(codes.length);
    for (const adapter of CARRIER_ADAPTERS) {
      for (const [code, info] of Object.entries(adapter.errors)) {
        expect(describeCarrierError(code)).toBe(info);
      }
    }
    expect(describeCarrierError("21610").optedOut).toBe(true);
    expect(describeCarrierError("40300").optedOut).toBe(true);
    expect(describeCarrierError("99999", "Nope").reason).toBe("The carrier refused the text: Nope");
    // Object.prototype names are not codes.
    expect(describeCarrierError("constructor")).toEqual({
      reason: "The carrier could not deliver the text.",
      optedOut: false,
    });
  });
});

describe("the admin number route validates credentials with the adapters' schemas", () => {
  const add = (n: number, carrier: string, credentials: unknown) =>
    call("/api/admin/numbers", {
      cookie: admin,
      json: { e164: `+1555123${String(7000 + n)}`, label: `Line ${n}`, carrier, credentials },
    });

  it("accepts each carrier's valid credentials and stores its account id", async ({ expect }) => {
    for (const [n, carrier] of CARRIERS.entries()) {
      const res = await add(n, carrier, VALID[carrier]);
      expect(res.status, `${carrier}: ${await res.clone().text()}`).toBe(201);
    }
    expect(await count("clinic_numbers", "carrier_account_id = ?", VALID.twilio.accountSid)).toBe(1);
    expect(await count("clinic_numbers", "carrier_account_id = ?", VALID.telnyx.messagingProfileId)).toBe(1);
  });

  it.for([
    [
      "a non-hex Twilio auth token",
      "twilio",
      { ...VALID.twilio, authToken: "z".repeat(32) },
      /^credentials\.authToken: .*32 hex/,
    ],
    [
      "a short Twilio auth token",
      "twilio",
      { ...VALID.twilio, authToken: "0f0f" },
      /^credentials\.authToken: /,
    ],
    [
      "a Twilio SID without AC",
      "twilio",
      { ...VALID.twilio, accountSid: "0f".repeat(17) },
      /^credentials\.accountSid: /,
    ],
    [
      "a Telnyx key that is not base64 Ed25519",
      "telnyx",
      { ...VALID.telnyx, publicKey: "abc" },
      /^credentials\.publicKey: /,
    ],
    ["Twilio credentials for Telnyx", "telnyx", VALID.twilio, /^credentials/],
    ["Telnyx credentials for Twilio", "twilio", VALID.telnyx, /^credentials/],
    ["no credentials for Twilio", "twilio", undefined, /^credentials: required for twilio$/],
    [
      "credentials for the simulator",
      "simulator",
      VALID.twilio,
      /^credentials: the simulator takes no credentials$/,
    ],
  ] as const)(
    "refuses %s with a 400 naming the field, storing nothing",
    async ([, carrier, credentials, message], { expect }) => {
      const before = await count("clinic_numbers");
      const res = await add(99, carrier, credentials);
      expect(res.status).toBe(400);
      expect((await errorOf(res))?.message).toMatch(message);
      expect(await count("clinic_numbers")).toBe(before);
    },
  );
  it("checks a PATCH that names no carrier against the number's own carrier", async ({ expect }) => {
    const created = await add(50, "twilio", VALID.twilio);
    const { number } = await created.json<{ number: { id: number } }>();
    const patch = (credentials: unknown) =>
      call(`/api/admin/numbers/${number.id}`, { method: "PATCH", cookie: admin, json: { credentials } });
    const wrong = await patch(VALID.telnyx);
    expect(wrong.status).toBe(400);
    expect((await errorOf(wrong))?.message).toMatch(/^credentials\.accountSid: /);
    expect((await patch({ ...VALID.twilio, authToken: "AB".repeat(16) })).status).toBe(200);
  });
});

describe("carrier webhook routes are mounted from the adapter list", () => {
  const routes = CARRIER_ADAPTERS.flatMap((a) => a.webhooks.map((r) => `/webhooks${r.path}`));

  it("documents exactly the adapters' webhook routes", async ({ expect }) => {
    const doc = await (await call("/api/openapi.json")).json<{ paths: Record<string, object> }>();
    const documented = Object.keys(doc.paths).filter((p) => p.startsWith("/webhooks/"));
    expect(documented.sort()).toEqual([...routes].sort());
    expect(routes).toEqual(
      expect.arrayContaining(["/webhooks/twilio/messages", "/webhooks/twilio/status", "/webhooks/telnyx"]),
    );
  });

  it.for(routes)(
    "answers %s (an empty body is malformed: 400, not an unknown route)",
    async (path, { expect }) => {
      const res = await call(path, {
        method: "POST",
        body: "",
        headers: { "content-type": "application/json" },
      });
      expect(res.status).toBe(400);
      expect((await errorOf(res))?.code).toBe("malformed_body");
    },
  );
});
