import { fireEvent, waitFor, within } from "@solidjs/testing-library";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetSession } from "../lib/session";
import { fakeApi, jsonOf, textField, type Sent } from "../test/fake-api";
import {
  ALVAREZ,
  giveElementsASize,
  ME_WITH_NUMBERS,
  SilentSocket,
  TEST_PATIENT,
  UNKNOWN,
} from "../test/queue-fixtures";
import { renderApp } from "../test/render-app";

/** The queue answers like the API: all rows, the unread ones, or the Alvarez family for "alv". */
function conversations(request: Sent) {
  const body = jsonOf(request);
  const q = textField(request, "q");
  const unread = body.unread === true;
  let rows = [UNKNOWN, ALVAREZ, TEST_PATIENT];
  if (q.toLowerCase() === "alv") rows = [ALVAREZ];
  if (unread) rows = rows.filter((r) => r.unread);
  return { json: { conversations: rows, nextCursor: null } };
}

const SUMMARY = {
  windowDays: 10,
  numbers: [
    { numberId: 1, unread: 1 },
    { numberId: 2, unread: 0 },
  ],
};

function setup() {
  const api = fakeApi({
    // The first load asks once for the user, the counts and the first page (first-screen.test.tsx).
    "GET /api/bootstrap": {
      json: {
        ...ME_WITH_NUMBERS,
        unread: SUMMARY,
        queue: { numberId: 1, conversations: [UNKNOWN, ALVAREZ, TEST_PATIENT], nextCursor: null },
        cursor: 0,
      },
    },
    "GET /api/auth/me": { json: ME_WITH_NUMBERS },
    "GET /api/queue/summary": { json: SUMMARY },
    "POST /api/queue/numbers/1/conversations/search": conversations,
    "POST /api/conversations/1/unread": { json: { id: 1, unread: true } },
  });
  const view = renderApp("/queue?number=1");
  const list = async () => within(await view.findByRole("list", { name: "Conversations" }));
  const rowOf = async (name: string) => {
    // The row's open button reads "Unread Maria Alvarez, … 10:42 AM …"; its menu button "Actions for …".
    const open = await (await list()).findByRole("button", { name: new RegExp(`^(Unread|Read) ${name}`) });
    const row = open.closest("li");
    if (!row) throw new Error(`no row for ${name}`);
    return within(row);
  };
  return { ...api, view, list, rowOf };
}

beforeEach(() => {
  resetSession();
  localStorage.clear();
  giveElementsASize();
  vi.stubGlobal("WebSocket", SilentSocket);
});

describe("the queue list", () => {
  it("shows every name on a shared phone, the number for strangers, and a red or green dot", async () => {
    const { rowOf, view } = setup();
    const family = await rowOf("Maria Alvarez, Diego Alvarez");
    expect(family.getByRole("img", { name: "Unread" })).toBeInTheDocument();
    expect(family.getByText("Can we come in today?")).toBeInTheDocument();
    expect((await rowOf("Test Patient")).getByRole("img", { name: "Read" })).toBeInTheDocument();
    expect((await rowOf("\\(555\\) 000-9999")).getByText("Who is this?")).toBeInTheDocument();
    // The drop-down carries each number's unread count.
    expect(view.getByRole("option", { name: "Main office · (555) 123-0001 (1 unread)" })).toBeInTheDocument();
    expect(view.getByRole("option", { name: "Westside · (555) 123-0002" })).toBeInTheDocument();
  });

  it("asks the server for unread conversations only when the toggle is on", async () => {
    const { sent, rowOf, view } = setup();
    await rowOf("Test Patient");
    fireEvent.click(view.getByLabelText("Only show unread"));
    await waitFor(() =>
      expect(
        within(view.getByRole("list", { name: "Conversations" })).queryByText("Test Patient"),
      ).toBeNull(),
    );
    const last = sent.filter((r) => r.url.pathname.endsWith("/conversations/search")).at(-1);
    expect(jsonOf(last).unread).toBe(true);
    expect(view.getByText("Maria Alvarez, Diego Alvarez")).toBeInTheDocument();
  });

  it("searches on the server after typing stops", async () => {
    const { sent, rowOf, view } = setup();
    await rowOf("Test Patient");
    fireEvent.input(view.getByLabelText("Search conversations"), { target: { value: "alv" } });
    await waitFor(() => expect(view.queryByText("Test Patient")).toBeNull(), { timeout: 2000 });
    const last = sent.filter((r) => r.url.pathname.endsWith("/conversations/search")).at(-1);
    // In the body: the URL (which the Worker's logs keep) never names anyone.
    expect(jsonOf(last).q).toBe("alv");
    expect(last?.url.search).toBe("");
  });

  it("marks a read conversation unread from the right-click menu", async () => {
    const { sent, rowOf, view } = setup();
    const patient = await rowOf("Test Patient");
    fireEvent.contextMenu(patient.getByRole("button", { name: /^Read Test Patient/ }));
    const menu = await view.findByRole("menu", { name: "Actions for Test Patient" });
    const item = within(menu).getByRole("menuitem", { name: "Mark Unread" });
    expect(item).toHaveFocus();
    fireEvent.click(item);
    expect(view.queryByRole("menu")).toBeNull();
    expect((await rowOf("Test Patient")).getByRole("img", { name: "Unread" })).toBeInTheDocument();
    expect(sent.some((r) => r.method === "POST" && r.url.pathname === "/api/conversations/1/unread")).toBe(
      true,
    );
  });

  it("opens the same menu from the keyboard and returns focus on Escape", async () => {
    const { rowOf, view } = setup();
    const button = (await rowOf("Test Patient")).getByRole("button", { name: "Actions for Test Patient" });
    button.focus();
    fireEvent.click(button);
    expect(button).toHaveAttribute("aria-expanded", "true");
    const menu = await view.findByRole("menu");
    fireEvent.keyDown(menu, { key: "Escape" });
    expect(view.queryByRole("menu")).toBeNull();
    expect(button).toHaveFocus();
    expect(button).toHaveAttribute("aria-expanded", "false");
  });
});
