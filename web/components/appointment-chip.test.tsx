/**
 * Reminder replies in the thread: the appointment line under a reminder and the chip on a reply, with its
 * Change menu that calls the correction API and shows the answer (or the refusal) in place.
 */
import { fireEvent, render, waitFor, within } from "@solidjs/testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { closeThread, openThread } from "../lib/thread-store";
import { loadSession, resetSession } from "../lib/session";
import { appointmentText } from "../lib/appointments";
import { apiError, fakeApi, jsonOf, type Sent } from "../test/fake-api";
import { ALVAREZ, MAIN, ME_WITH_NUMBERS } from "../test/queue-fixtures";
import { ConversationView } from "./conversation-view";
import type { AppointmentReply, MessageAppointment } from "../../worker/shared/reminders";

// Tue, Dec 8 2026, 9:30 AM in Chicago (CST, UTC-6).
const STARTS_AT = Date.UTC(2026, 11, 8, 15, 30);
const APPOINTMENT: MessageAppointment = {
  id: "PMS-APPT-1",
  startsAt: STARTS_AT,
  label: "cleaning with Dr. Lee",
  expects: "confirmation",
};
const CORRECTION_PATH = "POST /api/conversations/2/messages/11/appointment-reply";

function message(id: number, direction: "in" | "out", body: string, extra: object = {}) {
  return {
    id,
    conversationId: ALVAREZ.id,
    direction,
    kind: direction === "in" ? "reply" : "reminder",
    body,
    status: direction === "in" ? "received" : "delivered",
    errorCode: null,
    errorReason: null,
    segments: 1,
    encoding: "GSM-7",
    authorUserId: null,
    authorName: null,
    createdAt: Date.UTC(2026, 11, 7, 15) + id * 1000,
    updatedAt: 0,
    sendAfter: null,
    cancelOnReply: false,
    ...extra,
  };
}

const reminder = message(10, "out", "Your cleaning is Tuesday at 9:30. Reply C to confirm.", {
  appointment: APPOINTMENT,
});
function reply(appointmentReply: AppointmentReply | null) {
  return message(11, "in", "Can we do Thursday?", { appointmentReply });
}
const RESCHEDULE: AppointmentReply = { intent: "reschedule", reminderMessageIds: [10], correctedBy: null };

/** The clinic number is in New York while the practice (and the view's times) are in Chicago. */
async function renderThread(correction: Parameters<typeof fakeApi>[0][string]) {
  const api = fakeApi({
    "GET /api/auth/me": {
      json: { ...ME_WITH_NUMBERS, numbers: [{ ...MAIN, timezone: "America/New_York" }] },
    },
    "GET /api/conversations/2": {
      json: { conversation: { ...ALVAREZ, unread: false }, optOutHistory: [], optOutReviews: [] },
    },
    "GET /api/conversations/2/messages": {
      json: { messages: [reply(RESCHEDULE), reminder], hasMore: false },
    },
    "GET /api/conversations/2/assignees": { json: { users: [] } },
    [CORRECTION_PATH]: correction,
  });
  const view = render(() => (
    <ConversationView
      timeZone="America/Chicago"
      numberLabel="Main office"
      onBack={vi.fn()}
      onMarkUnread={vi.fn()}
    />
  ));
  await loadSession();
  void openThread(ALVAREZ.id);
  return { ...api, view };
}

const corrections = (sent: Sent[]) => sent.filter((s) => `${s.method} ${s.url.pathname}` === CORRECTION_PATH);

afterEach(() => {
  closeThread();
  resetSession();
});

describe("the appointment line", () => {
  it.for<[string, MessageAppointment, string]>([
    [
      "with a label, asking to confirm",
      APPOINTMENT,
      "Appointment Tue, Dec 8 at 9:30 AM · cleaning with Dr. Lee · asked to confirm",
    ],
    [
      "without a label or a question",
      { ...APPOINTMENT, label: null, expects: null },
      "Appointment Tue, Dec 8 at 9:30 AM",
    ],
  ])("reads %s, in the clinic's zone", ([, appointment, text]) => {
    // The zone is named only when it is not the browser's (tests run in UTC unless TZ says otherwise).
    const named = Intl.DateTimeFormat().resolvedOptions().timeZone !== "America/Chicago";
    expect(appointmentText(appointment, "America/Chicago")).toBe(named ? text.replace("AM", "AM CST") : text);
  });

  it("in the browser's zone when the clinic number's is unknown", () => {
    const local = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit" }).format(STARTS_AT);
    expect(appointmentText(APPOINTMENT, undefined)).toContain(` at ${local} · `);
  });

  it("shows under the reminder, and the reply shows its chip", async () => {
    const { view } = await renderThread({ json: {} });
    const log = await view.findByRole("log", { name: "Messages with Maria Alvarez, Diego Alvarez" });
    const [reminderRow, replyRow] = within(log).getAllByRole("listitem");
    // The clinic number's zone (10:30 in New York), not the practice's (9:30 in Chicago).
    expect(reminderRow).toHaveTextContent(
      /Appointment Tue, Dec 8 at 10:30 AM( EST)? · cleaning with Dr\. Lee · asked to confirm/,
    );
    expect(replyRow).toHaveTextContent("Wants to reschedule");
    expect(reminderRow).not.toHaveTextContent("Wants to reschedule");
    expect(replyRow).not.toHaveTextContent("Appointment");
  });
});

describe("the reply's chip", () => {
  it("opens a menu from the keyboard, corrects the reply and shows the answer with who corrected it", async () => {
    const { view, sent } = await renderThread({
      json: { message: reply({ intent: "confirm", reminderMessageIds: [10], correctedBy: "Dana Admin" }) },
    });
    const change = await view.findByRole("button", { name: "Change: Wants to reschedule" });
    expect(change).toHaveAttribute("aria-haspopup", "menu");
    fireEvent.click(change);
    const menu = view.getByRole("menu", { name: "Change how this reply was read" });
    const items = within(menu).getAllByRole("menuitem");
    // The current reading is not offered again.
    expect(items.map((i) => i.textContent)).toEqual([
      "Mark as confirmed",
      "Mark as cancel",
      "Not about the appointment",
    ]);
    expect(document.activeElement).toBe(items[0]);
    fireEvent.keyDown(menu, { key: "ArrowDown" });
    expect(document.activeElement).toBe(items[1]);
    fireEvent.keyDown(menu, { key: "ArrowUp" });
    fireEvent.keyDown(document.activeElement ?? menu, { key: "Enter" });

    expect(await view.findByText("Confirmed ✓")).toBeInTheDocument();
    expect(await view.findByText("Corrected by Dana Admin")).toBeInTheDocument();
    expect(view.queryByText("Wants to reschedule")).toBeNull();
    expect(view.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(view.getByRole("button", { name: "Change: Confirmed ✓" }));
    const [request] = corrections(sent);
    expect(jsonOf(request)).toEqual({ correction: "confirm" });
  });

  it("closes on Escape without a request, focus back on Change", async () => {
    const { view, sent } = await renderThread({ json: {} });
    const change = await view.findByRole("button", { name: "Change: Wants to reschedule" });
    fireEvent.click(change);
    expect(change).toHaveAttribute("aria-expanded", "true");
    fireEvent.keyDown(view.getByRole("menu"), { key: "Escape" });
    expect(view.queryByRole("menu")).toBeNull();
    expect(change).toHaveAttribute("aria-expanded", "false");
    expect(document.activeElement).toBe(change);
    expect(corrections(sent)).toEqual([]);
  });

  it("keeps a refusal next to the chip, and the reading as it was", async () => {
    const { view } = await renderThread(
      apiError(409, "conflict", "This reply is no longer about an appointment."),
    );
    fireEvent.click(await view.findByRole("button", { name: "Change: Wants to reschedule" }));
    fireEvent.click(view.getByRole("menuitem", { name: "Mark as cancel" }));
    const alert = await within(await view.findByRole("log")).findByRole("alert");
    expect(alert).toHaveTextContent("This reply is no longer about an appointment.");
    expect(alert.closest(".appointment-reply")).toHaveTextContent("Wants to reschedule");
  });

  it("takes the chip away when staff say the reply was not about the appointment", async () => {
    const { view } = await renderThread({ json: { message: reply(null) } });
    fireEvent.click(await view.findByRole("button", { name: "Change: Wants to reschedule" }));
    fireEvent.click(view.getByRole("menuitem", { name: "Not about the appointment" }));
    await waitFor(() => expect(view.queryByText("Wants to reschedule")).toBeNull());
    expect(view.queryByRole("button", { name: /^Change/ })).toBeNull();
    expect(view.getByText("Can we do Thursday?")).toBeInTheDocument();
  });
});
