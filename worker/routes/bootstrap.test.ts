import { beforeAll, describe, it } from "vitest";
import { addConversation, demoNumbers } from "../test/messages-fixture";
import { call, grantStaff, seed, signInAdmin, signInStaff } from "../test/helpers";
import { seedOtherPractice } from "../test/other-practice";

type Bootstrap = {
  user: { id: number; role: string };
  org: { id: number; queueWindowDays: number };
  numbers: { id: number; e164: string; phoneDisplay: string }[];
  unread: { windowDays: number; numbers: { numberId: number; unread: number }[] };
  queue: {
    numberId: number;
    conversations: { id: number; unread: boolean }[];
    nextCursor: string | null;
  } | null;
  cursor: number;
};
type LiveEvents = { events: { type: string; cursor: number; conversationId: number; unread?: boolean }[] };

let admin: string;
let main: number;
let westside: number;
let mainConversation: number;

beforeAll(async () => {
  await seed();
  admin = await signInAdmin();
  const ids = await demoNumbers();
  ({ main, westside } = ids);
  const now = Date.now();
  ({ id: mainConversation } = await addConversation({
    orgId: ids.orgId,
    numberId: main,
    phone: "+15550401111",
    at: now - 60_000,
    unread: true,
  }));
  await addConversation({ orgId: ids.orgId, numberId: main, phone: "+15550402222", at: now - 90_000 });
  await addConversation({ orgId: ids.orgId, numberId: westside, phone: "+15550403333", at: now - 30_000 });
});

async function bootstrap(cookie: string, numberId?: number) {
  const res = await call(`/api/bootstrap${numberId === undefined ? "" : `?numberId=${numberId}`}`, {
    cookie,
  });
  if (res.status !== 200) throw new Error(`bootstrap: ${res.status} ${await res.text()}`);
  return res.json<Bootstrap>();
}

async function json<T>(path: string, cookie: string) {
  const res = await call(path, { cookie });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json<T>();
}

describe("GET /api/bootstrap", () => {
  it("answers with exactly what /auth/me, /queue/summary and the number's first page answer", async ({
    expect,
  }) => {
    const boot = await bootstrap(admin, main);
    const { user, org, numbers } = await json<Pick<Bootstrap, "user" | "org" | "numbers">>(
      "/api/auth/me",
      admin,
    );
    expect({ user: boot.user, org: boot.org, numbers: boot.numbers }).toEqual({ user, org, numbers });
    expect(boot.numbers.find((n) => n.id === main)?.phoneDisplay).toBe("(555) 123-0001");
    expect(boot.unread).toEqual(await json("/api/queue/summary", admin));
    const page = await json<object>(`/api/queue/numbers/${main}/conversations`, admin);
    expect(boot.queue).toEqual({ numberId: main, ...page });
    expect(boot.queue?.conversations.map((c) => c.id)).toContain(mainConversation);
  });

  it("opens the first visible number when the client names none", async ({ expect }) => {
    const boot = await bootstrap(admin);
    expect(boot.queue?.numberId).toBe(boot.numbers[0]?.id);
  });

  it("shows a staff user only their numbers, and a number they cannot see is a 404", async ({ expect }) => {
    await grantStaff(admin, [westside]);
    const staff = await signInStaff();
    const boot = await bootstrap(staff);
    expect(boot.user.role).toBe("staff");
    expect(boot.numbers.map((n) => n.id)).toEqual([westside]);
    expect(boot.unread.numbers.map((n) => n.numberId)).toEqual([westside]);
    expect(boot.queue?.numberId).toBe(westside);
    const colleagues = await call(`/api/bootstrap?numberId=${main}`, { cookie: staff });
    expect(colleagues.status).toBe(404);
    const other = await seedOtherPractice();
    const otherPractice = await call(`/api/bootstrap?numberId=${other.number.id}`, { cookie: admin });
    expect(otherPractice.status).toBe(404);
  });

  it("needs a session, and takes nothing in the URL but a number id", async ({ expect }) => {
    expect((await call(`/api/bootstrap?numberId=${main}`)).status).toBe(401);
    expect((await call(`/api/bootstrap?numberId=${main}&q=maria`, { cookie: admin })).status).toBe(400);
  });

  it("gives a cursor that covers what the page shows and replays every change after it", async ({
    expect,
  }) => {
    const before = await bootstrap(admin, main);
    // Nothing after the cursor yet: the page is the present.
    const none = await json<LiveEvents>(`/api/live/events?after=${before.cursor}&numberId=${main}`, admin);
    expect(none.events).toEqual([]);
    expect(before.queue?.conversations.find((c) => c.id === mainConversation)?.unread).toBe(true);

    const read = await call(`/api/conversations/${mainConversation}/read`, { method: "POST", cookie: admin });
    expect(read.status).toBe(200);
    // A screen that loaded before the change learns of it by replaying after its cursor.
    const missed = await json<LiveEvents>(`/api/live/events?after=${before.cursor}&numberId=${main}`, admin);
    expect(missed.events).toEqual([
      expect.objectContaining({ type: "read_state", conversationId: mainConversation, unread: false }),
    ]);

    // A screen that loads after it sees the change in the page, and its cursor is past the change's event.
    const after = await bootstrap(admin, main);
    expect(after.queue?.conversations.find((c) => c.id === mainConversation)?.unread).toBe(false);
    expect(after.cursor).toBe(missed.events[0]?.cursor);
    const since = await json<LiveEvents>(`/api/live/events?after=${after.cursor}&numberId=${main}`, admin);
    expect(since.events).toEqual([]);
  });
});
