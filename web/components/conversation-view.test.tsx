import { fireEvent, render } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { closeThread, openThread } from "../lib/thread-store";
import { apiError, fakeApi } from "../test/fake-api";
import { ALVAREZ } from "../test/queue-fixtures";
import { ConversationView } from "./conversation-view";

const STOPPED_AT = Date.UTC(2026, 2, 4, 18, 30);
const BANNER =
  "This patient opted out by texting STOP on March 4, 2026. They must text START to receive texts.";

function message(id: number, direction: "in" | "out", body: string, extra: object = {}) {
  return {
    id,
    conversationId: ALVAREZ.id,
    direction,
    kind: direction === "in" ? "reply" : "direct",
    body,
    status: direction === "in" ? "received" : "delivered",
    errorCode: null,
    errorReason: null,
    segments: 1,
    encoding: "GSM-7",
    authorUserId: direction === "out" ? 1 : null,
    authorName: direction === "out" ? "Dana Admin" : null,
    createdAt: STOPPED_AT - 3_600_000 + id * 1000,
    updatedAt: 0,
    ...extra,
  };
}

type Change = { optedOut: boolean; keyword: string; messageId: number | null; at: number };
type Review = {
  messageId: number;
  keyword: string;
  at: number;
  decision: "opt_out" | "not_opt_out" | null;
  decidedBy: string | null;
  decidedAt: number | null;
};

function renderView(
  optedOutAt: number | null,
  answers: Parameters<typeof fakeApi>[0] = {},
  history: Change[] = [],
  reviews: Review[] = [],
) {
  const api = fakeApi({
    "GET /api/conversations/2": {
      json: {
        conversation: { ...ALVAREZ, unread: false, optedOutAt },
        optOutHistory: history,
        optOutReviews: reviews,
      },
    },
    "GET /api/conversations/2/messages": {
      json: {
        messages: [
          message(3, "out", "Sorry, we missed that", {
            kind: "reply",
            status: "failed",
            errorCode: "30003",
            errorReason: "Unreachable destination handset",
          }),
          message(2, "in", "Can we come in today?"),
          message(1, "out", "Your appointment is tomorrow at 9", { kind: "reminder", authorName: null }),
        ],
        hasMore: false,
      },
    },
    ...answers,
  });
  const view = render(() => (
    <ConversationView
      timeZone="America/Chicago"
      numberLabel="Main office"
      onBack={vi.fn()}
      onMarkUnread={vi.fn()}
    />
  ));
  void openThread(ALVAREZ.id);
  return { ...api, view };
}

afterEach(closeThread);

describe("conversation view", () => {
  it("shows who sent each text, the delivery status and a Retry for a failed one", async () => {
    const { view } = renderView(null);
    const log = await view.findByRole("log", { name: "Messages with Maria Alvarez, Diego Alvarez" });
    expect(log).toHaveTextContent("Your appointment is tomorrow at 9Reminder");
    expect(log).toHaveTextContent("Can we come in today?Maria Alvarez, Diego Alvarez");
    expect(log).toHaveTextContent("Unreachable destination handset (error 30003)");
    expect(view.getByRole("button", { name: "Retry" })).toBeInTheDocument();
    expect(view.getByLabelText("Reply to Maria Alvarez, Diego Alvarez")).toBeInTheDocument();
  });

  it("replaces the composer with the opt-out banner, dated in the practice's zone", async () => {
    const { view } = renderView(STOPPED_AT);
    expect(await view.findByText(BANNER)).toBeInTheDocument();
    expect(view.queryByRole("textbox")).toBeNull();
    expect(view.queryByRole("button", { name: "Send" })).toBeNull();
  });

  it("shows the banner, not a sign-out, when a reply is refused with 409 opted_out", async () => {
    let stopped = false;
    const { view } = renderView(null, {
      "GET /api/conversations/2": () => ({
        json: {
          conversation: { ...ALVAREZ, unread: false, optedOutAt: stopped ? STOPPED_AT : null },
          optOutHistory: [],
          optOutReviews: [],
        },
      }),
      "POST /api/conversations/2/messages": () => {
        stopped = true;
        return apiError(409, "opted_out", "This phone opted out.");
      },
    });
    const box = await view.findByLabelText("Reply to Maria Alvarez, Diego Alvarez");
    fireEvent.input(box, { target: { value: "Are you still there?" } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(await view.findByText(BANNER)).toBeInTheDocument();
    expect(view.queryByRole("textbox")).toBeNull();
  });

  it.for([
    ["as stored (201)", 201, {}],
    ["as a repeat of the same key (200, replayed)", 200, { replayed: true }],
  ] as const)(
    "shows a failed reply the server answers %s, with its reason and a Retry",
    async ([, status, extra]) => {
      const failed = message(4, "out", "Are you still there?", {
        kind: "reply",
        status: "failed",
        errorCode: "credentials",
        errorReason: "The clinic number's carrier credentials could not be read, so the text was not sent.",
      });
      const { view } = renderView(null, {
        "POST /api/conversations/2/messages": { status, json: { message: failed, ...extra } },
      });
      const box = await view.findByLabelText("Reply to Maria Alvarez, Diego Alvarez");
      fireEvent.input(box, { target: { value: "Are you still there?" } });
      fireEvent.keyDown(box, { key: "Enter" });
      const log = await view.findByRole("log", { name: "Messages with Maria Alvarez, Diego Alvarez" });
      expect(
        await view.findByText(
          /credentials could not be read, so the text was not sent\. \(error credentials\)/,
        ),
      ).toBeInTheDocument();
      expect(log).toHaveTextContent("Are you still there?");
      // The seeded failed text's Retry and this one's.
      expect(view.getAllByRole("button", { name: "Retry" })).toHaveLength(2);
    },
  );

  it("says why a Retry did nothing when the server refuses it", async () => {
    const { view } = renderView(null, {
      "POST /api/conversations/2/messages/3/retry": apiError(
        409,
        "quiet_hours",
        "Campaign texts wait until 8:00 AM.",
      ),
    });
    fireEvent.click(await view.findByRole("button", { name: "Retry" }));
    expect(await view.findByText(/not sent again: Campaign texts wait until 8:00 AM\./)).toBeInTheDocument();
  });

  it("marks the text that opted the phone out, and lists a carrier-reported block after the thread", async () => {
    const { view } = renderView(STOPPED_AT, {}, [
      { optedOut: true, keyword: "stop", messageId: 2, at: STOPPED_AT - 60_000 },
      { optedOut: true, keyword: "carrier:21610", messageId: null, at: STOPPED_AT },
    ]);
    const log = await view.findByRole("log", { name: "Messages with Maria Alvarez, Diego Alvarez" });
    expect(log).toHaveTextContent("Can we come in today?");
    expect(await view.findByText("Opted out of texts by texting STOP")).toBeInTheDocument();
    expect(
      view.getByText(/The carrier reports this phone opted out \(error 21610\) · March 4, 2026/),
    ).toBeInTheDocument();
  });
});

describe("a text that may be an opt-out", () => {
  const pending: Review = {
    messageId: 2,
    keyword: "cancel",
    at: STOPPED_AT - 60_000,
    decision: null,
    decidedBy: null,
    decidedAt: null,
  };
  const WARNING = /may be an opt-out request\. Replies and reminders still go/;

  it("Opt out this phone: sends the decision and shows the opted-out banner", async () => {
    let decided = false;
    const { view, sent } = renderView(null, {
      "GET /api/conversations/2": () => ({
        json: {
          conversation: { ...ALVAREZ, unread: false, optedOutAt: decided ? STOPPED_AT : null },
          optOutHistory: decided
            ? [{ optedOut: true, keyword: "review:cancel", messageId: 2, at: STOPPED_AT }]
            : [],
          optOutReviews: [
            decided
              ? { ...pending, decision: "opt_out", decidedBy: "Dana Admin", decidedAt: STOPPED_AT }
              : pending,
          ],
        },
      }),
      "POST /api/conversations/2/opt-out-review": () => {
        decided = true;
        return {
          json: {
            review: {
              messageId: 2,
              keyword: "cancel",
              decision: "opt_out",
              decidedBy: "Dana Admin",
              decidedAt: STOPPED_AT,
            },
          },
        };
      },
    });
    expect(await view.findByText("This may be an opt-out request.")).toBeInTheDocument();
    expect(view.getByRole("status")).toHaveTextContent(WARNING);
    fireEvent.click(view.getByRole("button", { name: "Opt out this phone" }));
    expect(await view.findByText(BANNER)).toBeInTheDocument();
    const post = sent.find(
      (r) => r.method === "POST" && r.url.pathname === "/api/conversations/2/opt-out-review",
    );
    expect(JSON.parse(post?.body ?? "null")).toEqual({ messageId: 2, decision: "opt_out" });
    expect(await view.findByText(/Opted out this phone: Dana Admin · March 4, 2026/)).toBeInTheDocument();
    expect(view.queryByRole("button", { name: "Opt out this phone" })).toBeNull();
    expect(await view.findByText("Opted out of texts by a staff decision on this text")).toBeInTheDocument();
  });

  it("Not an opt-out: sends the decision, says who decided, and the composer warning goes", async () => {
    let decided = false;
    const { view, sent } = renderView(null, {
      "GET /api/conversations/2": () => ({
        json: {
          conversation: { ...ALVAREZ, unread: false, optedOutAt: null },
          optOutHistory: [],
          optOutReviews: [
            decided
              ? { ...pending, decision: "not_opt_out", decidedBy: "Dana Admin", decidedAt: STOPPED_AT }
              : pending,
          ],
        },
      }),
      "POST /api/conversations/2/opt-out-review": () => {
        decided = true;
        return {
          json: {
            review: {
              messageId: 2,
              keyword: "cancel",
              decision: "not_opt_out",
              decidedBy: "Dana Admin",
              decidedAt: STOPPED_AT,
            },
          },
        };
      },
    });
    fireEvent.click(await view.findByRole("button", { name: "Not an opt-out" }));
    expect(await view.findByText(/Marked not an opt-out: Dana Admin · March 4, 2026/)).toBeInTheDocument();
    const post = sent.find(
      (r) => r.method === "POST" && r.url.pathname === "/api/conversations/2/opt-out-review",
    );
    expect(JSON.parse(post?.body ?? "null")).toEqual({ messageId: 2, decision: "not_opt_out" });
    expect(view.queryByText(WARNING)).toBeNull();
    expect(view.queryByRole("button", { name: "Not an opt-out" })).toBeNull();
    expect(view.getByLabelText("Reply to Maria Alvarez, Diego Alvarez")).toBeInTheDocument();
  });

  it("shows the server's refusal beside the buttons when someone already decided", async () => {
    const { view } = renderView(
      null,
      {
        "POST /api/conversations/2/opt-out-review": apiError(
          409,
          "already_decided",
          "Someone already decided this text.",
        ),
      },
      [],
      [pending],
    );
    fireEvent.click(await view.findByRole("button", { name: "Not an opt-out" }));
    expect(await view.findByText("Someone already decided this text.")).toBeInTheDocument();
  });
});
