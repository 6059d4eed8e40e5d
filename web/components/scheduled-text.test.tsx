import { fireEvent, render, waitFor } from "@solidjs/testing-library";
import { describe, expect, it } from "vitest";
import type { LiveMessage } from "../lib/queue-types";
import { apiError, fakeApi } from "../test/fake-api";
import { MessageBubble } from "./message-bubble";
import { scheduledFor } from "./scheduled-text";

const CHICAGO = "America/Chicago";
// Tuesday 2026-12-01 08:00 in Chicago.
const TUESDAY_8AM = Date.UTC(2026, 11, 1, 14, 0);

const scheduled: LiveMessage = {
  id: 7,
  conversationId: 3,
  direction: "out",
  kind: "reply",
  body: "Your results are in",
  status: "queued",
  errorCode: null,
  errorReason: null,
  segments: 1,
  encoding: "GSM-7",
  authorUserId: 1,
  authorName: "Sam Staff",
  createdAt: TUESDAY_8AM - 86_400_000,
  updatedAt: TUESDAY_8AM - 86_400_000,
  sendAfter: TUESDAY_8AM,
  cancelOnReply: true,
};

function bubble(message: LiveMessage) {
  return render(() => (
    <ol>
      <MessageBubble message={message} patientName="Maria" timeZone={CHICAGO} onRetry={() => undefined} />
    </ol>
  ));
}

describe("a scheduled text in the thread", () => {
  it("reads on the practice's clock", () => {
    expect(scheduledFor(TUESDAY_8AM, CHICAGO, TUESDAY_8AM - 3_600_000)).toBe("Tue 8:00 AM");
    expect(scheduledFor(TUESDAY_8AM, CHICAGO, TUESDAY_8AM - 10 * 86_400_000)).toBe("Dec 1, 8:00 AM");
  });

  it("says when it goes, with Edit and Cancel instead of Sending…", () => {
    const screen = bubble(scheduled);
    expect(screen.getByText(/^Scheduled for/)).toBeInTheDocument();
    expect(screen.queryByText("Sending…")).toBeNull();
    expect(screen.getByRole("button", { name: "Edit" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeInTheDocument();
  });

  it("a cancelled one shows as cancelled, without the buttons", () => {
    const screen = bubble({ ...scheduled, status: "cancelled", sendAfter: null });
    expect(screen.getByText("Cancelled")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Edit" })).toBeNull();
  });

  it("Cancel asks the server; a text that already went says so", async () => {
    const { sent } = fakeApi({
      "POST /api/conversations/3/scheduled/7/cancel": apiError(
        409,
        "already_sent",
        "This scheduled text already went out, so it can no longer be changed.",
      ),
    });
    const screen = bubble(scheduled);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(await screen.findByText(/already went out/)).toBeInTheDocument();
    await waitFor(() => expect(sent).toHaveLength(1));
  });

  it("Edit sends the new text and the wall time", async () => {
    const { sent } = fakeApi({
      "PATCH /api/conversations/3/scheduled/7": { json: { message: { ...scheduled, body: "Edited" } } },
    });
    const screen = bubble(scheduled);
    fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    fireEvent.input(screen.getByLabelText("Text"), { target: { value: "Edited" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(JSON.parse(sent[0]?.body ?? "{}")).toEqual({ body: "Edited", sendAtLocal: "2026-12-01T08:00" });
  });
});
