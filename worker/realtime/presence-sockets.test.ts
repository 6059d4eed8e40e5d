/**
 * Presence through the real Durable Object and the real upgrade route, with three signed-in screens on one
 * clinic number: who has what open, typing and its expiry, a closed socket leaving, and that none of it is
 * stored (not in D1's live_events catch-up, not in the object's storage).
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, it, onTestFinished } from "vitest";
import { demoIds, type DemoIds } from "../test/messages-fixture";
import { call, seed, signIn, signInAdmin, signInStaff } from "../test/helpers";
import { openLive } from "../test/sockets";
import { hubFor } from "../messaging/hub";
import { TYPING_TTL_MS } from "../shared/team";
import { CLOSE, type ClientFrame, type PresenceEntry, type PresenceFrame } from "../shared/live-protocol";

let ids: DemoIds;
let caseyId: number;

beforeAll(async () => {
  await seed();
  ids = await demoIds();
  const admin = await signInAdmin();
  const res = await call("/api/admin/users", {
    cookie: admin,
    json: { email: "casey@example.com", name: "Casey Clerk", role: "admin", password: "casey-clerk-pass" },
  });
  caseyId = (await res.json<{ user: { id: number } }>()).user.id;
});

const signInCasey = () => signIn("casey@example.com", "casey-clerk-pass");

/** A raw socket on the main number that records every presence snapshot it is sent. */
async function screen(cookie: string) {
  const res = await openLive(ids.mainNumberId, cookie);
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`upgrade refused: ${res.status}`);
  ws.accept();
  onTestFinished(() => ws.close(1000, "test finished"));
  const frames: PresenceFrame[] = [];
  const waiters = new Set<() => void>();
  ws.addEventListener("message", (m) => {
    if (typeof m.data !== "string" || m.data === "pong") return;
    const frame = JSON.parse(m.data) as { type: string };
    if (frame.type !== "presence") return;
    frames.push(frame as PresenceFrame);
    for (const wake of waiters) wake();
  });
  return {
    ws,
    frames,
    send: (frame: ClientFrame) => ws.send(JSON.stringify(frame)),
    /** The first snapshot from index `from` on that satisfies `test`; rejects after a clear timeout. */
    until(test: (viewers: PresenceEntry[]) => boolean, from = 0, timeoutMs = 5000) {
      return new Promise<{ frame: PresenceFrame; index: number }>((resolve, reject) => {
        const check = () => {
          const index = frames.findIndex((f, i) => i >= from && test(f.viewers));
          const frame = frames[index];
          if (!frame) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve({ frame, index });
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no matching presence within ${timeoutMs} ms: ${JSON.stringify(frames.at(-1))}`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
  };
}

const entryOf = (viewers: PresenceEntry[], userId: number) => viewers.find((v) => v.userId === userId);
const viewingFrame = (conversationId: number | null): ClientFrame => ({
  v: 1,
  type: "viewing",
  conversationId,
});
const typingFrame = (conversationId: number): ClientFrame => ({ v: 1, type: "typing", conversationId });

async function threeScreens() {
  const a = await screen(await signInAdmin());
  const b = await screen(await signInStaff());
  const c = await screen(await signInCasey());
  // Each gets the present on connect; once C's has arrived for A and B too is not promised (a newcomer does
  // not broadcast), so wait for each screen's own first snapshot.
  await Promise.all([a.until(() => true), b.until(() => true), c.until(() => true)]);
  // The previous test's sockets must be gone (their close handlers broadcast), so every snapshot from here
  // on is caused by this test's frames. Waiting for a condition, with a deadline: not a sleep to prove absence.
  const hub = hubFor(env, ids.mainNumberId);
  const deadline = Date.now() + 5000;
  while ((await hub.connectionCount()) !== 3) {
    if (Date.now() > deadline) throw new Error("earlier sockets still open");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { a, b, c };
}

describe("presence with three screens", () => {
  it("shows the others who has which conversation open, with names from the session", async ({ expect }) => {
    const { a, b, c } = await threeScreens();
    a.send(viewingFrame(101));
    for (const other of [b, c]) {
      const { frame } = await other.until((v) => entryOf(v, ids.adminId)?.conversationId === 101);
      expect(entryOf(frame.viewers, ids.adminId)).toEqual({
        userId: ids.adminId,
        name: "Avery Admin",
        conversationId: 101,
        typing: false,
      });
    }
    b.send(viewingFrame(101));
    const { frame } = await c.until((v) => entryOf(v, ids.staffId)?.conversationId === 101);
    expect(entryOf(frame.viewers, ids.staffId)?.name).toBe("Sam Staff");
    expect(entryOf(frame.viewers, caseyId)).toEqual({
      userId: caseyId,
      name: "Casey Clerk",
      conversationId: null,
      typing: false,
    });
    // A screen that connects now is told the present at once.
    const late = await screen(await signInCasey());
    const { frame: first } = await late.until(() => true);
    expect(entryOf(first.viewers, ids.adminId)?.conversationId).toBe(101);
    expect(entryOf(first.viewers, ids.staffId)?.conversationId).toBe(101);
  });

  it("shows typing, drops a keystroke inside the throttle, and expires typing after TYPING_TTL_MS", async ({
    expect,
  }) => {
    const { a, b } = await threeScreens();
    a.send(viewingFrame(202));
    const opened = await b.until((v) => entryOf(v, ids.adminId)?.conversationId === 202);
    a.send(typingFrame(202));
    a.send(typingFrame(202));
    a.send(viewingFrame(203));
    const typed = await b.until((v) => entryOf(v, ids.adminId)?.typing === true, opened.index + 1);
    // The next snapshot B gets is the move to 203: the second keystroke, inside the throttle, sent nothing.
    const moved = await b.until((v) => entryOf(v, ids.adminId)?.conversationId === 203, opened.index + 1);
    expect(moved.index).toBe(typed.index + 1);
    expect(entryOf(moved.frame.viewers, ids.adminId)?.typing).toBe(false);

    a.send(typingFrame(203));
    await b.until((v) => entryOf(v, ids.adminId)?.typing === true, moved.index + 1);
    // Typing is computed when a snapshot is sent: as of now it is on, as of TYPING_TTL_MS later it is off.
    const hub = hubFor(env, ids.mainNumberId);
    const now = Date.now();
    expect(entryOf((await hub.presenceAt(now)).viewers, ids.adminId)?.typing).toBe(true);
    expect(entryOf((await hub.presenceAt(now + TYPING_TTL_MS)).viewers, ids.adminId)).toEqual({
      userId: ids.adminId,
      name: "Avery Admin",
      conversationId: 203,
      typing: false,
    });
  });

  it("a closed socket leaves everyone's snapshot", async ({ expect }) => {
    const { a, b, c } = await threeScreens();
    c.send(viewingFrame(303));
    const seen = await Promise.all(
      [a, b].map((s) => s.until((v) => entryOf(v, caseyId)?.conversationId === 303)),
    );
    c.ws.close(1000, "tab closed");
    for (const [i, other] of [a, b].entries()) {
      const from = (seen[i]?.index ?? 0) + 1;
      const { frame } = await other.until((v) => entryOf(v, caseyId) === undefined, from);
      expect(entryOf(frame.viewers, ids.adminId)).toBeDefined();
      expect(entryOf(frame.viewers, ids.staffId)).toBeDefined();
    }
  });

  it("is never stored: not in the catch-up log, not in the object's storage", async ({ expect }) => {
    const admin = await signInAdmin();
    const catchUp = async () =>
      (await call(`/api/live/events?after=0&numberId=${ids.mainNumberId}`, { cookie: admin })).json<{
        events: { type: string }[];
      }>();
    const before = await catchUp();
    const { a, b } = await threeScreens();
    a.send(viewingFrame(404));
    a.send(typingFrame(404));
    await b.until((v) => entryOf(v, ids.adminId)?.typing === true);
    const after = await catchUp();
    expect(after).toEqual(before);
    expect(after.events.map((e) => e.type)).not.toContain("presence");
    const stored = await runInDurableObject(hubFor(env, ids.mainNumberId), async (_hub, state) => [
      ...(await state.storage.list()).keys(),
    ]);
    // At most the number id the alarm uses; nothing about who is viewing.
    expect(stored.filter((key) => key !== "numberId")).toEqual([]);
  });

  it("closes a socket that sends a frame the protocol does not have", async ({ expect }) => {
    const { a } = await threeScreens();
    const code = new Promise<number>((resolve) => a.ws.addEventListener("close", (e) => resolve(e.code)));
    a.ws.send(JSON.stringify({ v: 1, type: "typing", conversationId: "everything" }));
    expect(await code).toBe(CLOSE.badFrame);
  });
});
