import { describe, expect, it, vi } from "vitest";
import { fakeApi, jsonOf } from "../test/fake-api";
import { ALVAREZ, row } from "../test/queue-fixtures";
import { applyToList, inView, queue, showList } from "./queue-store";
import { toasts } from "./notifications";
import { announceTeamChange, ASSIGNED_TITLE, SNOOZE_TITLE } from "./team-notices";
import type { LiveEvent } from "./queue-types";
import type { ConversationChange } from "../../worker/shared/live-protocol";

const ME = 7;
const OTHER = 8;
const OPEN = { ...ALVAREZ, state: "open" as const };
const DONE = { ...row(5, "+15550005555", [], false), state: "done" as const };

let cursor = 100;
function changed(
  conversationId: number,
  fields: { state: "open" | "done" | "snoozed"; assignedUserId?: number | null },
  change: ConversationChange,
  changedBy: number | null,
): LiveEvent {
  return {
    type: "conversation",
    cursor: cursor++,
    numberId: 1,
    conversationId,
    state: fields.state,
    snoozedUntil: null,
    assignedUserId: fields.assignedUserId ?? null,
    assignedName: fields.assignedUserId ? "Sam Staff" : null,
    changedBy,
    change,
  };
}

const shown = () => queue.list.conversations.map((c) => c.id);

describe("queue views", () => {
  it.for<[string, { state: "open" | "done" | "snoozed"; assignedUserId: number | null }, string[]]>([
    ["open, unassigned", { state: "open", assignedUserId: null }, ["open", "unassigned"]],
    ["open, mine", { state: "open", assignedUserId: ME }, ["open", "mine"]],
    ["snoozed, mine", { state: "snoozed", assignedUserId: ME }, ["mine", "snoozed"]],
    ["done, mine", { state: "done", assignedUserId: ME }, ["done"]],
    ["open, someone else's", { state: "open", assignedUserId: OTHER }, ["open"]],
  ])("%s is in exactly its views", ([, fields, views]) => {
    const all = ["open", "mine", "unassigned", "snoozed", "done"] as const;
    expect(all.filter((v) => inView(fields, v, ME))).toEqual(views);
  });

  it("asks the server for the view, and a row marked done leaves Open while one reopened joins it", async () => {
    const { sent } = fakeApi({
      "POST /api/queue/numbers/1/conversations/search": { json: { conversations: [OPEN], nextCursor: null } },
      [`GET /api/conversations/${DONE.id}`]: { json: { conversation: { ...DONE, state: "open" } } },
    });
    await showList(1, "", false, "open");
    expect(jsonOf(sent.at(-1))).toMatchObject({ view: "open" });
    expect(shown()).toEqual([OPEN.id]);
    applyToList(changed(OPEN.id, { state: "done" }, "state", OTHER));
    expect(shown()).toEqual([]);
    applyToList(changed(DONE.id, { state: "open" }, "reopened", null));
    await vi.waitFor(() => expect(shown()).toEqual([DONE.id]));
  });

  it("an event line does not move the row or mark it unread", async () => {
    fakeApi({
      "POST /api/queue/numbers/1/conversations/search": {
        json: { conversations: [{ ...OPEN, unread: false }], nextCursor: null },
      },
    });
    await showList(1, "", false, "open");
    const before = { ...queue.list.conversations[0] };
    applyToList({
      type: "message",
      cursor: cursor++,
      numberId: 1,
      conversationId: OPEN.id,
      message: {
        id: 999,
        conversationId: OPEN.id,
        direction: "internal",
        kind: "event",
        body: "Sam Staff marked this done",
        status: "recorded",
        errorCode: null,
        errorReason: null,
        segments: 0,
        encoding: "GSM-7",
        authorUserId: OTHER,
        authorName: "Sam Staff",
        createdAt: Date.now(),
        updatedAt: Date.now(),
        sendAfter: null,
        cancelOnReply: false,
      },
    });
    expect(queue.list.conversations[0]).toMatchObject({
      lastMessageAt: before.lastMessageAt,
      lastMessagePreview: before.lastMessagePreview,
      unread: false,
    });
  });
});

describe("the assignee's toasts", () => {
  const titles = () => toasts().map((t) => t.title);

  it("toasts when someone else assigns it to me or my snooze ends, once per event, and not otherwise", () => {
    const start = toasts().length;
    announceTeamChange(changed(1, { state: "open", assignedUserId: ME }, "assigned", ME), ME);
    announceTeamChange(changed(1, { state: "open", assignedUserId: OTHER }, "assigned", ME), ME);
    announceTeamChange(changed(1, { state: "done", assignedUserId: ME }, "state", OTHER), ME);
    announceTeamChange(changed(1, { state: "open", assignedUserId: ME }, "reopened", null), ME);
    expect(toasts()).toHaveLength(start);
    const assigned = changed(2, { state: "open", assignedUserId: ME }, "assigned", OTHER);
    announceTeamChange(assigned, ME);
    announceTeamChange(assigned, ME);
    announceTeamChange(changed(3, { state: "open", assignedUserId: ME }, "snooze_ended", null), ME);
    expect(titles().slice(-2)).toEqual([ASSIGNED_TITLE, SNOOZE_TITLE]);
    expect(toasts()).toHaveLength(start + 2);
  });
});
