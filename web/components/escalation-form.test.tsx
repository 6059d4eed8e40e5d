import { fireEvent, render, waitFor } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { apiError, fakeApi, jsonOf } from "../test/fake-api";
import { MAIN } from "../test/queue-fixtures";
import { EscalationForm } from "./escalation-form";

const OFF = { enabled: false, minutes: 10, afterHoursPushUserIds: [], afterHoursWaitMinutes: 5 };
const USERS = [
  { id: 1, name: "Avery Admin" },
  { id: 2, name: "Sam Staff" },
];
const GET = "GET /api/admin/numbers/1/escalation";
const PUT = "PUT /api/admin/numbers/1/escalation";

function renderForm(onSaved = vi.fn()) {
  return render(() => <EscalationForm number={MAIN} onSaved={onSaved} onCancel={() => undefined} />);
}

describe("escalation settings", () => {
  it("starts off, says what off does, and saves what was chosen", async () => {
    const { sent } = fakeApi({
      [GET]: { json: { escalation: OFF, users: USERS } },
      [PUT]: { json: { number: MAIN, escalation: OFF } },
    });
    const onSaved = vi.fn();
    const screen = renderForm(onSaved);
    const toggle = await screen.findByLabelText("Escalate texts nobody answers");
    expect(toggle).not.toBeChecked();
    expect(screen.getByText(/^Off: texts notify as usual/)).toBeInTheDocument();
    const minutes = screen.getByLabelText(/Push everyone again after/);
    expect(minutes).toBeDisabled();
    expect(
      screen.getByText(/Nobody chosen: the alert text goes to the alert phones at once/),
    ).toBeInTheDocument();
    // The number has no office hours: the form says the after-hours part never applies.
    expect(screen.getByText(/no office hours, so it is always treated as open/)).toBeInTheDocument();

    fireEvent.click(toggle);
    expect(screen.getByText(/^On: an unanswered text pushes everyone/)).toBeInTheDocument();
    expect(minutes).toBeEnabled();
    fireEvent.input(minutes, { target: { value: "15" } });
    const wait = screen.getByLabelText(/Wait this many minutes/);
    expect(wait).toBeDisabled();
    fireEvent.click(screen.getByLabelText("Push Sam Staff first"));
    expect(wait).toBeEnabled();
    expect(screen.queryByText(/Nobody chosen/)).not.toBeInTheDocument();
    fireEvent.input(wait, { target: { value: "8" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(MAIN));
    expect(jsonOf(sent.find((s) => s.method === "PUT"))).toEqual({
      enabled: true,
      minutes: 15,
      afterHoursPushUserIds: [2],
      afterHoursWaitMinutes: 8,
    });
  });

  it("shows the saved setting, and the server's refusal", async () => {
    fakeApi({
      [GET]: {
        json: {
          escalation: { enabled: true, minutes: 20, afterHoursPushUserIds: [1], afterHoursWaitMinutes: 5 },
          users: USERS,
        },
      },
      [PUT]: apiError(400, "invalid_input", "minutes: must be at most 240"),
    });
    const screen = renderForm();
    expect(await screen.findByLabelText("Escalate texts nobody answers")).toBeChecked();
    expect(screen.getByLabelText(/Push everyone again after/)).toHaveValue(20);
    expect(screen.getByLabelText("Push Avery Admin first")).toBeChecked();
    expect(screen.getByLabelText("Push Sam Staff first")).not.toBeChecked();
    fireEvent.input(screen.getByLabelText(/Push everyone again after/), { target: { value: "30" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("minutes: must be at most 240")).toBeInTheDocument();
  });

  it("says so when nobody can see the number to be pushed first", async () => {
    fakeApi({ [GET]: { json: { escalation: OFF, users: [] } } });
    const screen = renderForm();
    expect(await screen.findByText(/Nobody can see this number yet/)).toBeInTheDocument();
  });
});
