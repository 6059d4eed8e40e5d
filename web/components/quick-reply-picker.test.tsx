import { fireEvent, render } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { fakeApi } from "../test/fake-api";
import type { FillContext } from "../../worker/shared/placeholders";
import { Composer } from "./composer";

const REPLIES = [
  {
    id: 1,
    name: "Refill ready",
    body: "Hi {patient.firstName}, your refill is ready at {practice.name}. {staff.firstName}",
    createdAt: 0,
    updatedAt: 0,
  },
  { id: 2, name: "Call us", body: "Please call {number.label} back.", createdAt: 0, updatedAt: 0 },
];

const ONE_PATIENT: FillContext = {
  patients: [{ firstName: "Test", lastName: "Patient" }],
  practiceName: "Demo Family Clinic",
  numberLabel: "Main office",
  staffName: "Sam Staff",
};
const FAMILY: FillContext = {
  ...ONE_PATIENT,
  patients: [
    { firstName: "Maria", lastName: "Alvarez" },
    { firstName: "Diego", lastName: "Alvarez" },
  ],
};

function setup(context: FillContext = ONE_PATIENT) {
  fakeApi({
    "GET /api/quick-replies": { json: { quickReplies: REPLIES } },
    "GET /api/conversations/7/mentionable": { json: { users: [{ id: 2, name: "Sam Staff" }] } },
  });
  const onSend = vi.fn((_body: string, _key: string) => Promise.resolve());
  const onNote = vi.fn((_body: string, _key: string) => Promise.resolve());
  const view = render(() => (
    <Composer
      label="Reply to Test Patient"
      onSend={onSend}
      onNote={onNote}
      fillContext={() => context}
      conversationId={7}
      authorId={1}
    />
  ));
  const box = view.getByLabelText("Reply to Test Patient");
  return { view, box, onSend, onNote };
}

describe("quick replies in the composer", () => {
  it("searches the list and inserts the chosen one filled for the conversation", async () => {
    const { view, box } = setup();
    fireEvent.click(view.getByRole("button", { name: "Quick replies" }));
    const list = await view.findByRole("listbox", { name: "Quick replies" });
    expect(await view.findAllByRole("option")).toHaveLength(2);
    const search = view.getByRole("combobox", { name: "Search quick replies" });
    fireEvent.input(search, { target: { value: "refill" } });
    expect(view.getAllByRole("option")).toHaveLength(1);
    fireEvent.keyDown(search, { key: "Enter" });
    const filled = "Hi Test, your refill is ready at Demo Family Clinic. Sam";
    expect(box).toHaveValue(filled);
    expect(list).not.toBeInTheDocument();
    // The counter counts the filled text.
    expect(view.getByText(`${filled.length} characters · 1 segment · GSM-7`)).toBeInTheDocument();
  });

  it("opens with / typed into an empty box, which is not typed", async () => {
    const { view, box } = setup();
    fireEvent.input(box, { target: { value: "/" } });
    expect(box).toHaveValue("");
    fireEvent.click(await view.findByRole("option", { name: /Call us/ }));
    expect(box).toHaveValue("Please call Main office back.");
    // Not at the start of an empty box: a slash is a slash.
    fireEvent.input(box, { target: { value: "Please call Main office back. 1/2" } });
    expect(view.queryByRole("listbox")).toBeNull();
  });

  it("leaves an unfillable placeholder highlighted and refuses Send until it is edited away", async () => {
    const { view, box, onSend } = setup(FAMILY);
    fireEvent.click(view.getByRole("button", { name: "Quick replies" }));
    fireEvent.click(await view.findByRole("option", { name: /Refill ready/ }));
    expect(box).toHaveValue("Hi {patient.firstName}, your refill is ready at Demo Family Clinic. Sam");
    expect(box).toHaveAccessibleDescription(/Not filled in: \{patient\.firstName\}/);
    expect(view.getByText("{patient.firstName}", { selector: "mark" })).toBeInTheDocument();
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    expect(await view.findByRole("alert")).toHaveTextContent("Fill in {patient.firstName} before sending");
    expect(onSend).not.toHaveBeenCalled();

    fireEvent.input(box, { target: { value: "Hi Maria, your refill is ready at Demo Family Clinic. Sam" } });
    expect(view.queryByText("{patient.firstName}", { selector: "mark" })).toBeNull();
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    await vi.waitFor(() =>
      expect(onSend).toHaveBeenCalledWith(
        "Hi Maria, your refill is ready at Demo Family Clinic. Sam",
        expect.any(String),
      ),
    );
  });

  it("refuses a text over 1,600 characters after filling, saying how long it is", async () => {
    const { view, box, onSend } = setup();
    // Set by script (as an insertion is): maxLength only stops typing.
    fireEvent.input(box, { target: { value: "a".repeat(1650) } });
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    expect(await view.findByRole("alert")).toHaveTextContent(
      "The text is 1,650 characters; a text may have 1,600.",
    );
    expect(onSend).not.toHaveBeenCalled();
  });
});

describe("the Internal note switch", () => {
  it("makes Send store a note: its own placeholder, no segment counter, the 4,000 limit", async () => {
    const { view, box, onSend, onNote } = setup();
    const toggle = view.getByRole("switch", { name: "Internal note" });
    fireEvent.click(toggle);
    expect(toggle).toBeChecked();
    expect(box).toHaveAttribute("maxLength", "4000");
    expect(box.getAttribute("placeholder")).toMatch(/internal note/i);
    expect(view.queryByText(/segment/)).toBeNull();
    expect(view.queryByRole("button", { name: "Quick replies" })).toBeNull();
    fireEvent.input(box, { target: { value: "@Sam can you call back?" } });
    expect(await view.findByText("Sam Staff", { selector: ".note-mentions strong" })).toBeInTheDocument();
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    await vi.waitFor(() =>
      expect(onNote).toHaveBeenCalledWith("@Sam can you call back?", expect.any(String)),
    );
    expect(onSend).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(box).toHaveValue(""));
  });
});
