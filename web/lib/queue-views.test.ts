import { describe, expect, it, vi } from "vitest";
import { fakeApi, jsonOf } from "../test/fake-api";
import { ALVAREZ, row } from "../test/queue-fixtures";
import { applyToList, inView, queue, showList } from "./queue-store";
import { attentionAfterMessage, attentionAfterState } from "./queue-views";
import { toasts } from "./notifications";
import { announceTeamChange, ASSIGNED_TITLE, SNOOZE_TITLE } from "./team-notices";
import type { LiveEvent } from "./queue-types";
import type { ConversationChange, LiveMessage } from "../../worker/shared/live-protocol";
import type { AppointmentIntent, AppointmentReply } from "../../worker/shared/reminders";

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

/** A text on a conversation's thread, with or without how it was read against a reminder. */
function text(
  conversationId: number,
  id: number,
  createdAt: number,
  fields: Partial<LiveMessage> & { intent?: AppointmentIntent | null },
): LiveMessage {
  const { intent, ...rest } = fields;
  return {
    id,
    conversationId,
    direction: "in",
    kind: "reply",
    body: "R",
    status: "received",
    errorCode: null,
    errorReason: null,
    segments: 1,
    encoding: "GSM-7",
    authorUserId: null,
    authorName: null,
    createdAt,
    updatedAt: createdAt,
    sendAfter: null,
    cancelOnReply: false,
    ...(intent === undefined
      ? {}
      : { appointmentReply: intent && { intent, reminderMessageIds: [1], correctedBy: null } }),
    ...rest,
  };
}

function arrives(message: LiveMessage): LiveEvent {
  return { type: "message", cursor: cursor++, numberId: 1, conversationId: message.conversationId, message };
}

describe("Needs attention, live", () => {
  const AT = OPEN.lastMessageAt;
  const staff = { direction: "out", kind: "reply", status: "sent", authorUserId: ME } as const;

  it.for<[string, boolean, Partial<LiveMessage> & { intent?: AppointmentIntent | null }, number, unknown]>([
    ["a new reply read as reschedule", false, { intent: "reschedule" }, AT + 1, true],
    ["a new reply read as opted out", false, { intent: "opted_out" }, AT + 1, true],
    ["a new reply read as confirm", true, { intent: "confirm" }, AT + 1, false],
    ["a new plain reply", true, {}, AT + 1, null],
    ["a staff reply", true, staff, AT + 1, false],
    ["a staff direct text", true, { ...staff, kind: "direct" }, AT + 1, false],
    ["a reminder (not an answer)", true, { ...staff, kind: "reminder" }, AT + 1, null],
    ["an auto-reply (not an answer)", true, { ...staff, kind: "auto_reply" }, AT + 1, null],
    ["an internal note", true, { direction: "internal", kind: "note" }, AT + 1, null],
    ["an older reply corrected to agree", true, { intent: "cancel" }, AT - 1, null],
    ["an older reply corrected to confirm", true, { intent: "confirm" }, AT - 1, "ask"],
    ["an older reply corrected to reschedule", false, { intent: "reschedule" }, AT - 1, "ask"],
    ["a reply taken off the appointment", true, { intent: null }, AT, "ask"],
    ["a reply taken off, nothing flagged", false, { intent: null }, AT, null],
  ])("%s", ([, current, fields, createdAt, change]) => {
    const row = { needsAttention: current, lastMessageAt: AT };
    expect(attentionAfterMessage(row, text(OPEN.id, 50, createdAt, fields))).toBe(change);
  });

  it("Done clears the flag; other states leave it", () => {
    expect(attentionAfterState({ needsAttention: true }, "done")).toBe(false);
    expect(attentionAfterState({ needsAttention: true }, "snoozed")).toBeNull();
    expect(attentionAfterState({ needsAttention: false }, "done")).toBeNull();
  });

  it("asks only for those rows when the filter is on, and live events move the mark by the rule", async () => {
    const other = { ...DONE, state: "open" as const, needsAttention: false };
    const { sent } = fakeApi({
      "POST /api/queue/numbers/1/conversations/search": {
        json: { conversations: [{ ...OPEN, needsAttention: true }, other], nextCursor: null },
      },
      [`GET /api/conversations/${OPEN.id}`]: { json: { conversation: { ...OPEN, needsAttention: false } } },
    });
    const flags = () => queue.list.conversations.map((c) => [c.id, c.needsAttention]);
    await showList(1, "", false, "open", true);
    expect(jsonOf(sent.at(-1))).toMatchObject({ needsAttention: true, view: "open", unread: false });

    // Another conversation's patient asks to reschedule: marked at once, no request.
    applyToList(arrives(text(other.id, 60, other.lastMessageAt + 1, { intent: "reschedule" })));
    expect(flags()).toContainEqual([other.id, true]);
    // Staff text back: answered. The row stays listed (like a read row under "Only show unread").
    applyToList(arrives(text(other.id, 61, other.lastMessageAt + 2, staff)));
    expect(flags()).toContainEqual([other.id, false]);
    expect(queue.list.conversations.map((c) => c.id)).toContain(other.id);

    // An older reply of OPEN corrected to confirm: only the server knows whether a later one still needs it.
    const requests = sent.length;
    applyToList(arrives(text(OPEN.id, 40, OPEN.lastMessageAt - 60_000, { intent: "confirm" })));
    await vi.waitFor(() => expect(flags()).toContainEqual([OPEN.id, false]));
    expect(sent.slice(requests).map((s) => s.url.pathname)).toEqual([`/api/conversations/${OPEN.id}`]);
  });

  it("a reply classified or corrected again marks the row, and does not make a read row unread", async () => {
    fakeApi({
      "POST /api/queue/numbers/1/conversations/search": {
        json: { conversations: [{ ...OPEN, unread: false, needsAttention: false }], nextCursor: null },
      },
    });
    await showList(1, "", false, "open");
    const latest = text(OPEN.id, 70, OPEN.lastMessageAt, { intent: "unknown" });
    applyToList(arrives(latest));
    expect(queue.list.conversations[0]).toMatchObject({ needsAttention: true, unread: false });
    const corrected: AppointmentReply = {
      intent: "confirm",
      reminderMessageIds: [1],
      correctedBy: "Sam Staff",
    };
    applyToList(arrives({ ...latest, appointmentReply: corrected }));
    expect(queue.list.conversations[0]).toMatchObject({ needsAttention: false, unread: false });
  });
});
