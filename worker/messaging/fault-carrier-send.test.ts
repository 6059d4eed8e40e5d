import { afterAll, afterEach, beforeAll, describe, it } from "vitest";
import { demoNumbers } from "../test/messages-fixture";
import { call, DEMO, seed, signInAdmin } from "../test/helpers";
import { fakeCarrier, postTwilio, randomSid } from "../test/carriers";
import type { StaffText } from "../test/api-bodies";
import { reportFault } from "../test/fault-summary";
import { MAX_ATTEMPTS } from "./send-text";

/**
 * The carrier failing in each way it can, seen end to end: the staff API sends, the fake carrier fails, and
 * the thread (what the screen shows) carries the outcome. send-errors.test.ts covers the send path's
 * classification with sendText directly; this file checks what reaches the thread, and that no failure
 * ever makes a second text go out.
 */
type Msg = { id: number; status: string; errorCode: string | null; errorReason: string | null };

let admin: string;
let westside: number;
let fake: ReturnType<typeof fakeCarrier> | undefined;
let faults = 0;
let sends = 0;
let lost = 0;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  ({ westside } = await demoNumbers());
});
afterEach(() => fake?.restore());
// After every test of the file, pass or fail: a message missing from its thread counts, whichever test lost it.
afterAll(() => {
  reportFault({
    check: "carrier 500 / 429 / timeout / connection closed on send",
    load: sends + 2,
    faults,
    badInputs: 0,
    expected: sends + 1,
    lost,
  });
});

const accepted = () => Response.json({ sid: randomSid(), status: "queued" }, { status: 201 });

/** Sends a direct text through the API and returns it as the thread shows it. */
async function sendAndRead(phone: string, key: string) {
  const res = await call("/api/messages", {
    cookie: admin,
    json: {
      numberId: westside,
      phone,
      body: "Your prescription is ready for pickup.",
      idempotencyKey: key,
    } satisfies StaffText,
  });
  if (res.status !== 201) throw new Error(`send answered ${res.status}: ${await res.text()}`);
  const { message } = await res.json<{ message: Msg & { conversationId: number } }>();
  sends++;
  return { message, thread: await thread(message.conversationId) };
}

async function thread(conversationId: number) {
  const res = await call(`/api/conversations/${conversationId}/messages`, { cookie: admin });
  return (await res.json<{ messages: Msg[] }>()).messages;
}

/** The message as the thread lists it; counts it lost if the thread does not have it. */
function inThread(messages: Msg[], id: number) {
  const found = messages.find((m) => m.id === id);
  if (!found) lost++;
  return found;
}

describe("the carrier's API failing on send", () => {
  it("answering 500 every time: tried a bounded number of times, then failed with a reason", async ({
    expect,
  }) => {
    fake = fakeCarrier(() => new Response("Internal Server Error", { status: 500 }));
    const { message, thread: t } = await sendAndRead("+15550040001", "fault-carrier-500");
    faults += fake.calls.length;
    expect(fake.calls).toHaveLength(MAX_ATTEMPTS);
    expect(inThread(t, message.id)).toMatchObject({ status: "failed", errorCode: "http_500" });
    expect(inThread(t, message.id)?.errorReason).toBeTruthy();
  });

  it("answering 429 then 201: sent after one retry, once", async ({ expect }) => {
    fake = fakeCarrier((_c, n) =>
      n === 1
        ? Response.json(
            { code: 20429, message: "Too Many Requests" },
            { status: 429, headers: { "retry-after": "0" } },
          )
        : accepted(),
    );
    const { message, thread: t } = await sendAndRead("+15550040002", "fault-carrier-429");
    faults += 1;
    expect(fake.calls).toHaveLength(2);
    expect(inThread(t, message.id)).toMatchObject({ status: "queued", errorCode: null });
  });

  it.for([
    ["timing out", new DOMException("The operation was aborted due to timeout", "TimeoutError"), "timeout"],
    ["closing the connection", new TypeError("Network connection lost."), "network"],
  ] as const)(
    "%s: never sent again, shown as may-still-go-out, settled by the carrier's callback",
    async ([, error, code], { expect }) => {
      fake = fakeCarrier(() => Promise.reject(error));
      const phone = code === "timeout" ? "+15550040003" : "+15550040004";
      const { message, thread: t } = await sendAndRead(phone, `fault-carrier-${code}`);
      faults += 1;
      expect(fake.calls).toHaveLength(1);
      const shown = inThread(t, message.id);
      expect(shown).toMatchObject({ status: "sending", errorCode: code });
      expect(shown?.errorReason).toMatch(/not sent again/);
      // Twilio's status callback (our message id rides in its URL) settles it: here, a failure with a reason.
      const res = await postTwilio(`/webhooks/twilio/status?m=${message.id}`, {
        MessageSid: randomSid(),
        MessageStatus: "failed",
        ErrorCode: "30008",
        AccountSid: DEMO.twilio.accountSid,
        From: DEMO.westsideNumber,
        To: phone,
      });
      expect(res.status).toBe(200);
      const after = inThread(await thread(message.conversationId), message.id);
      expect(after).toMatchObject({ status: "failed", errorCode: "30008" });
      expect(after?.errorReason).toBeTruthy();
    },
  );

  it("a double-clicked send with the carrier timing out still reaches the carrier once", async ({
    expect,
  }) => {
    fake = fakeCarrier(() => Promise.reject(new DOMException("timeout", "TimeoutError")));
    const json = {
      numberId: westside,
      phone: "+15550040005",
      body: "Hi",
      idempotencyKey: "fault-carrier-double",
    } satisfies StaffText;
    const answers = await Promise.all([
      call("/api/messages", { cookie: admin, json }),
      call("/api/messages", { cookie: admin, json }),
    ]);
    faults += 1;
    // One click stored it (201); the other is a repeat of the same key (200, replayed), never a second 201.
    expect(answers.map((r) => r.status).sort()).toEqual([200, 201]);
    // Both clicks stand for one text, and the thread must show it.
    const ids = await Promise.all(
      answers.map(async (r) => (await r.json<{ message: Msg & { conversationId: number } }>()).message),
    );
    expect(new Set(ids.map((m) => m.id)).size).toBe(1);
    const [first] = ids;
    if (!first) throw new Error("no answer");
    expect(inThread(await thread(first.conversationId), first.id)).toBeDefined();
    expect(fake.calls).toHaveLength(1);
  });
});
