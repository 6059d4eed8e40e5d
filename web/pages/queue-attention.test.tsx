/** The queue's Needs attention filter on the page: the request, combined with the others, the mark, the empty list. */
import { fireEvent, waitFor, within } from "@solidjs/testing-library";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { NOTHING_NEEDS_ATTENTION } from "../components/queue-views";
import { resetSession } from "../lib/session";
import { fakeApi, jsonOf, type Sent } from "../test/fake-api";
import {
  ALVAREZ,
  giveElementsASize,
  ME_WITH_NUMBERS,
  SilentSocket,
  TEST_PATIENT,
  UNKNOWN,
} from "../test/queue-fixtures";
import { renderApp } from "../test/render-app";

const RESCHEDULE = { ...ALVAREZ, needsAttention: true };
const ROWS = [UNKNOWN, RESCHEDULE, { ...TEST_PATIENT, needsAttention: false }];

/** Like the API: every row, or the ones needing attention; unread only finds none of those here. */
function conversations(request: Sent) {
  const body = jsonOf(request);
  let rows = ROWS;
  if (body.needsAttention === true) rows = rows.filter((r) => "needsAttention" in r && r.needsAttention);
  if (body.unread === true) rows = rows.filter((r) => r.unread && r.id !== RESCHEDULE.id);
  return { json: { conversations: rows, nextCursor: null } };
}

function setup() {
  const summary = { windowDays: 10, numbers: [{ numberId: 1, unread: 1 }] };
  const api = fakeApi({
    // The first page comes with the bootstrap; the filter's pages are searches.
    "GET /api/bootstrap": {
      json: {
        ...ME_WITH_NUMBERS,
        unread: summary,
        queue: { numberId: 1, conversations: ROWS, nextCursor: null },
        cursor: 0,
      },
    },
    "GET /api/auth/me": { json: ME_WITH_NUMBERS },
    "GET /api/queue/summary": { json: summary },
    "POST /api/queue/numbers/1/conversations/search": conversations,
  });
  const view = renderApp("/queue?number=1");
  const list = () => within(view.getByRole("list", { name: "Conversations" }));
  const searches = () => api.sent.filter((s) => s.url.pathname.endsWith("/conversations/search")).map(jsonOf);
  return { ...api, view, list, searches };
}

beforeEach(() => {
  resetSession();
  localStorage.clear();
  giveElementsASize();
  vi.stubGlobal("WebSocket", SilentSocket);
});

describe("Needs attention", () => {
  it("marks the rows that need it, and asks the server for only those when the filter is on", async () => {
    const { view, list, searches } = setup();
    // The mark's words end the row's accessible name, after the name, time and preview.
    await view.findByRole("button", { name: /^Unread Maria Alvarez, Diego Alvarez .* Needs attention$/ });
    expect(list().getByRole("button", { name: /^Read Test Patient/ }).textContent).not.toContain(
      "Needs attention",
    );
    // The unfiltered first page came with the bootstrap: no search yet.
    expect(searches()).toEqual([]);

    fireEvent.click(view.getByLabelText("Needs attention"));
    await waitFor(() => expect(list().queryByText("Test Patient")).toBeNull());
    expect(searches().at(-1)).toMatchObject({ needsAttention: true, view: "open", unread: false });
    expect(list().getByText("Maria Alvarez, Diego Alvarez")).toBeInTheDocument();

    // Combined with another view and with unread: one request carries all of them.
    fireEvent.click(view.getByRole("tab", { name: "Unassigned" }));
    await waitFor(() =>
      expect(searches().at(-1)).toMatchObject({ needsAttention: true, view: "unassigned" }),
    );
    fireEvent.click(view.getByLabelText("Only show unread"));
    await waitFor(() =>
      expect(searches().at(-1)).toMatchObject({ needsAttention: true, unread: true, view: "unassigned" }),
    );
    // Nothing left: the empty list says what the filter holds and what takes a conversation off it.
    expect(await view.findByText(NOTHING_NEEDS_ATTENTION)).toBeInTheDocument();

    fireEvent.click(view.getByLabelText("Needs attention"));
    await waitFor(() => expect(searches().at(-1)).not.toHaveProperty("needsAttention"));
  }, 20_000);
});
