import { describe, it, vi } from "vitest";
import type { LiveEvent, LiveMessage } from "../shared/live-protocol";
import { WEBHOOK_CHECK_MS, WEBHOOK_DELAY_MS, WebhookNudge } from "./webhook-nudge";

const message = (direction: "in" | "out"): LiveMessage => ({
  id: 1,
  conversationId: 2,
  direction,
  kind: "reply",
  body: "hi",
  status: direction === "in" ? "received" : "sent",
  errorCode: null,
  errorReason: null,
  segments: 1,
  encoding: "GSM-7",
  authorUserId: null,
  authorName: null,
  createdAt: 0,
  updatedAt: 0,
  sendAfter: null,
  cancelOnReply: false,
});

const events: [string, LiveEvent, boolean][] = [
  [
    "a reply from a patient",
    { type: "message", cursor: 1, numberId: 5, conversationId: 2, message: message("in") },
    true,
  ],
  [
    "a status change",
    {
      type: "message_status",
      cursor: 2,
      numberId: 5,
      conversationId: 2,
      messageId: 1,
      status: "delivered",
      errorCode: null,
      errorReason: null,
    },
    true,
  ],
  [
    "a text staff sent",
    { type: "message", cursor: 3, numberId: 5, conversationId: 2, message: message("out") },
    false,
  ],
  [
    "a read-state change",
    { type: "read_state", cursor: 4, numberId: 5, conversationId: 2, unread: false },
    false,
  ],
  [
    "an opt-out",
    { type: "opt_out", cursor: 5, numberId: 5, phone: "+15550000000", optedOut: true, changedAt: 0 },
    false,
  ],
];

describe("WebhookNudge.dueAt", () => {
  for (const [name, event, nudges] of events) {
    it(`${name} ${nudges ? "wakes" : "does not wake"} the drain when the practice has webhooks`, async ({
      expect,
    }) => {
      const nudge = new WebhookNudge(
        () => Promise.resolve(true),
        () => 1_000,
      );
      expect(await nudge.dueAt(event)).toBe(nudges ? 1_000 + WEBHOOK_DELAY_MS : null);
    });
  }

  it("never wakes it for a practice without webhook keys", async ({ expect }) => {
    const nudge = new WebhookNudge(
      () => Promise.resolve(false),
      () => 1_000,
    );
    expect(await nudge.dueAt(events[0]?.[1] ?? events[1]?.[1] ?? ({} as LiveEvent))).toBeNull();
  });

  it("asks D1 at most once a minute, and again after that", async ({ expect }) => {
    let now = 10_000;
    const lookup = vi.fn((numberId: number) => Promise.resolve(numberId === 5));
    const nudge = new WebhookNudge(lookup, () => now);
    const reply = events[0]?.[1];
    if (!reply) throw new Error("fixture");
    await nudge.dueAt(reply);
    now += WEBHOOK_CHECK_MS - 1;
    await nudge.dueAt(reply);
    expect(lookup).toHaveBeenCalledTimes(1);
    now += 1;
    await nudge.dueAt(reply);
    expect(lookup).toHaveBeenCalledTimes(2);
  });
});
