import { fireEvent, waitFor, within } from "@solidjs/testing-library";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession } from "../lib/session";
import { apiError, fakeApi, type Sent } from "../test/fake-api";
import { ALVAREZ, giveElementsASize, ME_WITH_NUMBERS, TEST_PATIENT, UNKNOWN } from "../test/queue-fixtures";
import { renderApp } from "../test/render-app";
import { NUMBER_KEY } from "../lib/queue-store";
// The HTML's plain script as the browser runs it (it is not part of the build, so it cannot import NUMBER_KEY).
import firstScreenScript from "../../public/first-screen.js?raw";

const CURSOR = 42;

/** What GET /api/bootstrap answers for a number (worker/routes/bootstrap.ts). */
function bootstrapOf(numberId: number) {
  return {
    json: {
      ...ME_WITH_NUMBERS,
      unread: {
        windowDays: 10,
        numbers: [
          { numberId: 1, unread: 1 },
          { numberId: 2, unread: 3 },
        ],
      },
      queue: { numberId, conversations: [UNKNOWN, ALVAREZ, TEST_PATIENT], nextCursor: null },
      cursor: CURSOR,
    },
  };
}

/** A socket that opens at once, so the live client's first sync runs (and its requests are counted). */
class OpenSocket {
  onopen: ((event: Event) => void) | null = null;
  onmessage = null;
  onclose = null;
  onerror = null;
  constructor() {
    queueMicrotask(() => this.onopen?.(new Event("open")));
  }
  send() {}
  close() {}
}

const key = (r: Sent) => `${r.method} ${r.url.pathname}${r.url.search}`;
const count = (sent: Sent[], path: string) => sent.filter((r) => r.url.pathname === path).length;

beforeEach(() => {
  resetSession();
  localStorage.clear();
  window.textdeskFirstScreen = undefined;
  giveElementsASize();
  vi.stubGlobal("WebSocket", OpenSocket);
});

describe("the first screen", () => {
  it("loads with one bootstrap request, and nothing is fetched twice", async () => {
    const { sent } = fakeApi({
      "GET /api/bootstrap": (r) => bootstrapOf(Number(r.url.searchParams.get("numberId"))),
      "GET /api/live/events": { json: { events: [], resync: false } },
    });
    const view = renderApp("/queue?number=2");
    const list = within(await view.findByRole("list", { name: "Conversations" }));
    expect(await list.findByText("Maria Alvarez, Diego Alvarez")).toBeInTheDocument();
    // The sockets' first sync replays from the bootstrap's cursor instead of reloading the lists.
    await view.findByRole("status", { name: "Queue: Live" });

    expect(sent.filter((r) => r.url.pathname === "/api/bootstrap").map((r) => r.url.search)).toEqual([
      "?numberId=2",
    ]);
    expect(count(sent, "/api/auth/me")).toBe(0);
    expect(count(sent, "/api/queue/summary")).toBe(0);
    expect(sent.filter((r) => r.url.pathname.includes("/conversations")).map(key)).toEqual([]);
    // One catch-up per number, each from the bootstrap's cursor.
    const catchUps = sent.filter((r) => r.url.pathname === "/api/live/events");
    expect(catchUps.map((r) => r.url.searchParams.get("after"))).toEqual([String(CURSOR), String(CURSOR)]);
    expect(catchUps.map((r) => r.url.searchParams.get("numberId")).sort()).toEqual(["1", "2"]);
    const keys = sent.map(key);
    expect(new Set(keys).size).toBe(keys.length);
    // The counts came with it too.
    expect(view.getByRole("option", { name: "Westside · (555) 123-0002 (3 unread)" })).toBeInTheDocument();
  });

  it("takes the answer public/first-screen.js asked for from the HTML, and asks nothing again", async () => {
    const { sent } = fakeApi({
      "GET /api/bootstrap": (r) => bootstrapOf(Number(r.url.searchParams.get("numberId"))),
      "GET /api/live/events": { json: { events: [], resync: false } },
    });
    // What the HTML's script leaves behind: its request for the URL's number, already under way.
    window.textdeskFirstScreen = {
      numberId: "2",
      response: Promise.resolve(Response.json(bootstrapOf(2).json)),
    };
    const view = renderApp("/queue?number=2");
    const list = within(await view.findByRole("list", { name: "Conversations" }));
    expect(await list.findByText("Maria Alvarez, Diego Alvarez")).toBeInTheDocument();
    await view.findByRole("status", { name: "Queue: Live" });
    expect(count(sent, "/api/bootstrap")).toBe(0);
    expect(window.textdeskFirstScreen).toBe("taken");
  });

  it("asks again when the HTML's early request was for another number", async () => {
    const { sent } = fakeApi({
      "GET /api/bootstrap": (r) => bootstrapOf(Number(r.url.searchParams.get("numberId"))),
      "GET /api/live/events": { json: { events: [], resync: false } },
    });
    window.textdeskFirstScreen = {
      numberId: null,
      response: Promise.resolve(Response.json(bootstrapOf(1).json)),
    };
    const view = renderApp("/queue?number=2");
    await view.findByRole("status", { name: "Queue: Live" });
    expect(sent.filter((r) => r.url.pathname === "/api/bootstrap").map((r) => r.url.search)).toEqual([
      "?numberId=2",
    ]);
  });

  it("asks for the number this browser chose last when the URL names none", async () => {
    localStorage.setItem("textdesk.queue.number", "2");
    const { sent } = fakeApi({
      "GET /api/bootstrap": (r) => bootstrapOf(Number(r.url.searchParams.get("numberId"))),
      "GET /api/live/events": { json: { events: [], resync: false } },
    });
    const view = renderApp("/queue");
    await within(await view.findByRole("list", { name: "Conversations" })).findByText("Test Patient");
    expect(sent.filter((r) => r.url.pathname === "/api/bootstrap").map((r) => r.url.search)).toEqual([
      "?numberId=2",
    ]);
    expect(count(sent, "/api/queue/numbers/2/conversations/search")).toBe(0);
  });

  it("falls back to the first visible number when the chosen one is not this user's", async () => {
    localStorage.setItem("textdesk.queue.number", "7");
    const { sent } = fakeApi({
      "GET /api/bootstrap": (r) =>
        r.url.searchParams.has("numberId")
          ? apiError(404, "not_found", "Clinic number not found.")
          : bootstrapOf(1),
      "GET /api/live/events": { json: { events: [], resync: false } },
    });
    const view = renderApp("/queue");
    await within(await view.findByRole("list", { name: "Conversations" })).findByText("Test Patient");
    expect(sent.filter((r) => r.url.pathname === "/api/bootstrap").map((r) => r.url.search)).toEqual([
      "?numberId=7",
      "",
    ]);
    await waitFor(() => expect(count(sent, "/api/live/events")).toBe(2));
    expect(count(sent, "/api/queue/numbers/1/conversations/search")).toBe(0);
  });
  // The script repeats queue-store's rule (the URL's number, else NUMBER_KEY): run as the browser runs it,
  // it must have asked for exactly the number the app wants, so the app asks nothing again.
  it.each([
    ["/queue?number=2", null, "?numberId=2"],
    ["/queue", "2", "?numberId=2"],
    ["/queue?number=oops", "2", "?numberId=2"],
    ["/queue", null, ""],
  ])(
    "public/first-screen.js at %s (chosen %s) asks once, for what the app wants",
    async (path, chosen, search) => {
      if (chosen !== null) localStorage.setItem(NUMBER_KEY, chosen);
      const { sent } = fakeApi({
        "GET /api/bootstrap": (r) => bootstrapOf(Number(r.url.searchParams.get("numberId") ?? 1) || 1),
        "GET /api/live/events": { json: { events: [], resync: false } },
      });
      history.replaceState(null, "", path);
      // eslint-disable-next-line @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call -- runs the shipped file's text, as the HTML does
      new Function(firstScreenScript)();
      expect(window.textdeskFirstScreen).toMatchObject({ numberId: search === "" ? null : search.slice(10) });
      const view = renderApp(path);
      await view.findByRole("status", { name: "Queue: Live" });
      expect(window.textdeskFirstScreen).toBe("taken");
      expect(sent.filter((r) => r.url.pathname === "/api/bootstrap").map((r) => r.url.search)).toEqual([
        search,
      ]);
      history.replaceState(null, "", "/");
    },
  );
  it("after signing in, opens the queue with one bootstrap request too (no second list load)", async () => {
    let signedIn = false;
    const unauthorized = apiError(401, "unauthorized", "Sign in to continue.");
    const { sent } = fakeApi({
      "GET /api/auth/me": () => (signedIn ? { json: ME_WITH_NUMBERS } : unauthorized),
      "POST /api/auth/login": () => {
        signedIn = true;
        return { json: { user: ME_WITH_NUMBERS.user } };
      },
      "GET /api/bootstrap": (r) => bootstrapOf(Number(r.url.searchParams.get("numberId"))),
      "GET /api/live/events": { json: { events: [], resync: false } },
    });
    const view = renderApp("/login?next=%2Fqueue%3Fnumber%3D2");
    fireEvent.input(await view.findByLabelText("E-mail"), { target: { value: "admin@example.com" } });
    fireEvent.input(view.getByLabelText("Password"), { target: { value: "demo-admin" } });
    fireEvent.click(view.getByRole("button", { name: "Sign in" }));

    const list = within(await view.findByRole("list", { name: "Conversations" }));
    expect(await list.findByText("Maria Alvarez, Diego Alvarez")).toBeInTheDocument();
    await view.findByRole("status", { name: "Queue: Live" });
    // The sockets' first sync is the last request the first screen makes: one catch-up per number.
    await waitFor(() => expect(count(sent, "/api/live/events")).toBe(2));
    expect(view.history.get()).toBe("/queue?number=2");
    const after = sent.slice(sent.findIndex((r) => r.url.pathname === "/api/auth/login") + 1);
    expect(after.filter((r) => r.url.pathname !== "/api/live/events").map(key)).toEqual([
      "GET /api/bootstrap?numberId=2",
    ]);
  });
});
