import { env } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { addConversation, demoNumbers } from "../test/messages-fixture";
import { call, grantStaff, seed, signInAdmin, signInStaff } from "../test/helpers";
import { seedOtherPractice } from "../test/other-practice";

import { simulate } from "../test/carriers";
import { matchesSearch, parseSearch } from "../shared/search";

type Row = {
  id: number;
  phone: string;
  phoneDisplay: string;
  unread: boolean;
  patients: { firstName: string; lastName: string }[];
};
const DAY = 86_400_000;
let admin: string;
let main: number;
let westside: number;
let orgId: number;
const now = Date.now();

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  ({ orgId, main, westside } = await demoNumbers());
  await addConversation({
    orgId,
    numberId: main,
    phone: "+15550001111",
    at: now - 60_000,
    body: "Test here",
  });
  await addConversation({ orgId, numberId: main, phone: "+15550002222", at: now - 120_000, unread: false });
  await addConversation({ orgId, numberId: main, phone: "+15557779999", at: now - 2 * DAY, unread: true });
  await addConversation({
    orgId,
    numberId: main,
    phone: "+15550103000",
    at: now - 11 * DAY,
    body: "Too old",
  });
  await addConversation({ orgId, numberId: westside, phone: "+15550001111", at: now - 30_000, unread: true });
});

/** The list as the web app loads it: a search goes in the body (POST …/search), never in the URL. */
async function list(numberId: number, params: Record<string, string> = {}, cookie = admin) {
  const { q, ...page } = params;
  const res =
    q === undefined
      ? await call(`/api/queue/numbers/${numberId}/conversations?${new URLSearchParams(page).toString()}`, {
          cookie,
        })
      : await call(`/api/queue/numbers/${numberId}/conversations/search`, {
          cookie,
          json: {
            q,
            unread: page.unread === "true",
            ...(page.limit ? { limit: Number(page.limit) } : {}),
            ...(page.cursor ? { cursor: page.cursor } : {}),
          },
        });
  if (res.status !== 200) throw new Error(`queue list: ${res.status} ${await res.text()}`);
  return res.json<{ conversations: Row[]; nextCursor: string | null }>();
}

describe("the queue", () => {
  it("lists the window's conversations newest first, with names or the formatted number", async ({
    expect,
  }) => {
    const { conversations } = await list(main);
    expect(conversations.map((c) => c.phone)).toEqual(["+15550001111", "+15550002222", "+15557779999"]);
    expect(conversations[0]?.patients.map((p) => p.firstName)).toEqual(["Test"]);
    expect(conversations[1]?.patients.map((p) => p.firstName).sort()).toEqual(["Diego", "Maria"]);
    expect(conversations[2]?.patients).toEqual([]);
    expect(conversations[2]?.phoneDisplay).toBe("(555) 777-9999");
  });

  it("shows only unread conversations when asked", async ({ expect }) => {
    const { conversations } = await list(main, { unread: "true" });
    expect(conversations.map((c) => c.phone)).toEqual(["+15550001111", "+15557779999"]);
  });

  it("searches by patient name and by phone digits across the window", async ({ expect }) => {
    expect((await list(main, { q: "maria" })).conversations.map((c) => c.phone)).toEqual(["+15550002222"]);
    expect((await list(main, { q: "alv" })).conversations.map((c) => c.phone)).toEqual(["+15550002222"]);
    // Every word must match the same patient, whichever word finds the candidates.
    expect((await list(main, { q: "Maria alv" })).conversations.map((c) => c.phone)).toEqual([
      "+15550002222",
    ]);
    expect((await list(main, { q: "diego maria" })).conversations).toEqual([]);
    expect((await list(main, { q: "7779" })).conversations.map((c) => c.phone)).toEqual(["+15557779999"]);
    expect((await list(main, { q: "nobody-called-this" })).conversations).toEqual([]);
    // A search in the URL (where Workers Logs would keep the name) is refused, not served.
    const inUrl = await call(`/api/queue/numbers/${main}/conversations?q=maria`, { cookie: admin });
    expect(inUrl.status).toBe(400);
  });

  // The web app filters rows that arrive live with the shared matcher: it must say what the server says.
  it.for([
    "+",
    "-",
    "+ -",
    "(555)",
    "555-0002",
    '"maria"',
    "MARIA",
    "ma al",
    "Zoë",
    "1234567890123456",
    "m".repeat(60),
    "%".repeat(40),
    Array.from({ length: 40 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(" "),
  ])("agrees with the shared search matcher for %j", async (q, { expect }) => {
    const all = (await list(main)).conversations;
    const expected = all.filter((row) => matchesSearch(row, parseSearch(q))).map((c) => c.phone);
    expect((await list(main, { q })).conversations.map((c) => c.phone)).toEqual(expected);
  });

  it("pages with a keyset cursor without repeats", async ({ expect }) => {
    const first = await list(main, { limit: "2" });
    expect(first.conversations).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await list(main, { limit: "2", cursor: first.nextCursor ?? "" });
    expect(second.conversations.map((c) => c.phone)).toEqual(["+15557779999"]);
    expect(second.nextCursor).toBeNull();
  });

  it("counts unread conversations per number inside the window", async ({ expect }) => {
    const res = await call("/api/queue/summary", { cookie: admin });
    const body = await res.json<{ windowDays: number; numbers: { numberId: number; unread: number }[] }>();
    expect(body.windowDays).toBe(10);
    expect(body.numbers).toEqual(
      expect.arrayContaining([
        { numberId: main, unread: 2 },
        { numberId: westside, unread: 1 },
      ]),
    );
  });
});

describe("read state", () => {
  it("opening marks read for everyone, Mark Unread sets it back, and each real change is one live event", async ({
    expect,
  }) => {
    const { conversations } = await list(main, { q: "7779" });
    const id = conversations[0]?.id;
    const staff = await signInStaff();
    const events = () =>
      env.DB.prepare("SELECT count(*) AS n FROM live_events WHERE type = 'read_state'").first<{
        n: number;
      }>();
    const before = (await events())?.n ?? 0;
    expect((await call(`/api/conversations/${id}/read`, { method: "POST", cookie: staff })).status).toBe(200);
    expect((await call(`/api/conversations/${id}/read`, { method: "POST", cookie: admin })).status).toBe(200);
    expect((await list(main, { q: "7779" }, staff)).conversations[0]?.unread).toBe(false);
    expect((await call(`/api/conversations/${id}/unread`, { method: "POST", cookie: admin })).status).toBe(
      200,
    );
    expect((await list(main, { q: "7779" }, staff)).conversations[0]?.unread).toBe(true);
    expect((await events())?.n).toBe(before + 2);
  });

  it("returns the thread newest first with authors", async ({ expect }) => {
    const { conversations } = await list(main);
    const res = await call(`/api/conversations/${conversations[0]?.id}/messages`, { cookie: admin });
    const body = await res.json<{ messages: { body: string; direction: string }[]; hasMore: boolean }>();
    expect(body.messages.map((m) => m.body)).toEqual(["Test here"]);
    expect(body.hasMore).toBe(false);
  });
});

describe("access", () => {
  it("hides another practice's conversations and numbers (404)", async ({ expect }) => {
    const other = await seedOtherPractice();
    const theirs = await addConversation({
      orgId: other.org.id,
      numberId: other.number.id,
      phone: "+15559870099",
      at: now,
    });
    expect((await call(`/api/conversations/${theirs.id}`, { cookie: admin })).status).toBe(404);
    expect((await call(`/api/conversations/${theirs.id}/messages`, { cookie: admin })).status).toBe(404);
    expect(
      (await call(`/api/conversations/${theirs.id}/unread`, { method: "POST", cookie: admin })).status,
    ).toBe(404);
    expect(
      (await call(`/api/queue/numbers/${other.number.id}/conversations`, { cookie: admin })).status,
    ).toBe(404);
  });

  it("hides a number's conversations from staff not granted that number", async ({ expect }) => {
    await grantStaff(admin, [main]);
    const staff = await signInStaff();
    expect((await call(`/api/queue/numbers/${westside}/conversations`, { cookie: staff })).status).toBe(404);
    const west = (await list(westside)).conversations[0];
    expect((await call(`/api/conversations/${west?.id}`, { cookie: staff })).status).toBe(404);
  });
});

describe("opt-out history in the thread", () => {
  it("lists each opt-out and opt-in with its keyword and the text that caused it, oldest first", async ({
    expect,
  }) => {
    await simulate("+15550107777", "Stop.");
    await simulate("+15550107777", "start");
    const { conversations } = await list(main, { q: "0107777" });
    const res = await call(`/api/conversations/${conversations[0]?.id}`, { cookie: admin });
    const body = await res.json<{
      conversation: { optedOutAt: number | null };
      optOutHistory: { optedOut: boolean; keyword: string; messageId: number | null }[];
    }>();
    expect(body.conversation.optedOutAt).toBeNull();
    expect(body.optOutHistory.map((e) => [e.optedOut, e.keyword])).toEqual([
      [true, "stop"],
      [false, "start"],
    ]);
    expect(body.optOutHistory.every((e) => e.messageId !== null)).toBe(true);
  });
});
