import { fireEvent, render, waitFor } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import type { NumberView } from "../lib/admin";
import { apiError, fakeApi } from "../test/fake-api";
import { AfterHoursForm } from "./after-hours-form";

const MAIN: NumberView = {
  id: 1,
  orgId: 1,
  e164: "+15551230001",
  label: "Main office",
  carrier: "simulator" as const,
  carrierAccountId: null,
  timezone: "America/Chicago",
  createdAt: 0,
  hasCredentials: false,
  carrierHandlesOptOut: null,
  officeHours: null,
  alertPhones: [],
  afterHoursQuietMinutes: 15,
  lastAfterHoursAlertAt: null,
  awayMessage: null,
  escalation: null,
  lastEscalationAt: null,
};

describe("after-hours settings", () => {
  it("sends the open days, the alert phones and the STOP setting", async () => {
    const { sent } = fakeApi({
      "PUT /api/admin/numbers/1/after-hours": { json: { number: MAIN } },
      "PUT /api/admin/numbers/1/keywords": { json: { number: MAIN } },
    });
    const onSaved = vi.fn();
    const screen = render(() => (
      <AfterHoursForm number={MAIN} onSaved={onSaved} onCancel={() => undefined} />
    ));
    fireEvent.click(screen.getByLabelText(/Use office hours/));
    fireEvent.click(screen.getByLabelText("Open on Monday"));
    fireEvent.input(screen.getByLabelText("Monday closes"), { target: { value: "18:30" } });
    fireEvent.input(screen.getByLabelText("Alert phones (one per line)"), {
      target: { value: "(555) 000-9999\n" },
    });
    fireEvent.input(screen.getByLabelText(/^Away reply/), {
      target: { value: "Closed; we open at {opensAt}." },
    });
    fireEvent.change(screen.getByLabelText("STOP confirmations"), { target: { value: "false" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const hours = JSON.parse(sent[0]?.body ?? "{}") as {
      officeHours: Record<string, unknown>;
      alertPhones: string[];
      awayMessage: string | null;
    };
    expect(hours.officeHours.mon).toEqual({ open: "08:00", close: "18:30" });
    expect(hours.officeHours.tue).toBeNull();
    expect(hours.alertPhones).toEqual(["(555) 000-9999"]);
    expect(hours.awayMessage).toBe("Closed; we open at {opensAt}.");
    expect(JSON.parse(sent[1]?.body ?? "{}")).toEqual({ carrierHandlesOptOut: false });
  });

  it("shows the server's refusal", async () => {
    fakeApi({
      "PUT /api/admin/numbers/1/after-hours": apiError(
        400,
        "invalid_input",
        "alertPhones.0: not a valid phone",
      ),
    });
    const screen = render(() => (
      <AfterHoursForm number={MAIN} onSaved={() => undefined} onCancel={() => undefined} />
    ));
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText(/not a valid phone/)).toBeInTheDocument();
  });
});
