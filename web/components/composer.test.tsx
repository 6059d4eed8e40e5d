import { fireEvent, render } from "@solidjs/testing-library";
import { describe, expect, it, vi } from "vitest";
import { measureDraft } from "../../worker/shared/segments";
import { ApiError } from "../lib/api";
import { Composer } from "./composer";

function setup(onSend = vi.fn((_body: string, _key: string) => Promise.resolve())) {
  const view = render(() => <Composer label="Reply to Test Patient" onSend={onSend} />);
  const box = view.getByLabelText("Reply to Test Patient");
  const type = (value: string) => fireEvent.input(box, { target: { value } });
  return { view, box, type, onSend };
}

describe("composer counter", () => {
  it("counts 160 plain characters as one segment and 161 as two", () => {
    const { view, type } = setup();
    type("a".repeat(160));
    expect(view.getByText("160 characters · 1 segment · GSM-7")).toBeInTheDocument();
    type("a".repeat(161));
    expect(view.getByText("161 characters · 2 segments · GSM-7")).toBeInTheDocument();
    expect(view.queryByRole("status")).toBeNull();
  });

  it("warns when a curly apostrophe turns the text into UCS-2", () => {
    const { view, type } = setup();
    type("It's fine");
    expect(view.getByText("9 characters · 1 segment · GSM-7")).toBeInTheDocument();
    type("It’s fine");
    expect(view.getByText("9 characters · 1 segment · UCS-2")).toBeInTheDocument();
    expect(view.getByRole("status")).toHaveTextContent("“’” is not a standard SMS character");
    // 71 UCS-2 characters no longer fit in one segment (70).
    type(`’${"a".repeat(70)}`);
    expect(view.getByText("71 characters · 2 segments · UCS-2")).toBeInTheDocument();
  });

  it("allows emoji, counted as one character", () => {
    const { view, type } = setup();
    type("See you soon 😊");
    expect(view.getByText("14 characters · 1 segment · UCS-2")).toBeInTheDocument();
  });
});

describe("composer counter and the Worker agree", () => {
  // The counter is the Worker's own measure (worker/shared/segments.ts): what it shows is what is stored.
  it.for([
    ["empty", ""],
    ["plain", "Hi"],
    ["GSM-7 extension characters", "€".repeat(81)],
    ["a curly apostrophe", "It’s fine"],
    ["an emoji", "See you soon 😊"],
    ["the longest text", "a".repeat(1600)],
  ] as const)("%s", ([, body]) => {
    const { view, type } = setup();
    type(body);
    const m = measureDraft(body);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    expect(
      view.getByText(
        `${plural(m.characters, "character")} · ${plural(m.segments, "segment")} · ${m.encoding}`,
      ),
    ).toBeInTheDocument();
  });

  it("shows an empty text as 0 segments", () => {
    const { view } = setup();
    expect(view.getByText("0 characters · 0 segments · GSM-7")).toBeInTheDocument();
  });

  it("stops the text at the Worker's length limit", () => {
    const { box } = setup();
    expect(box).toHaveAttribute("maxLength", "1600");
  });
});

describe("composer sending", () => {
  it("sends once on Enter, even when Enter is pressed twice, and clears the text", async () => {
    const { box, type, onSend } = setup();
    type("See you at 3");
    fireEvent.keyDown(box, { key: "Enter" });
    fireEvent.keyDown(box, { key: "Enter" });
    await vi.waitFor(() => expect(box).toHaveValue(""));
    expect(onSend).toHaveBeenCalledTimes(1);
    expect(onSend.mock.calls[0]?.[0]).toBe("See you at 3");
  });

  it("leaves Shift+Enter to the textarea as a new line", () => {
    const { box, type, onSend } = setup();
    type("Line one");
    // Not prevented: the browser inserts the line break.
    expect(fireEvent.keyDown(box, { key: "Enter", shiftKey: true })).toBe(true);
    expect(onSend).not.toHaveBeenCalled();
  });

  it("reuses the idempotency key when the same text is sent again after a failure", async () => {
    const onSend = vi
      .fn((_body: string, _key: string) => Promise.resolve())
      .mockRejectedValueOnce(new ApiError(0, "network", "Could not reach Textdesk.", null));
    const { view, box, type } = setup(onSend);
    type("Hello");
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    expect(await view.findByRole("alert")).toHaveTextContent("Could not reach Textdesk.");
    expect(box).toHaveValue("Hello");
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    await vi.waitFor(() => expect(box).toHaveValue(""));
    expect(onSend).toHaveBeenCalledTimes(2);
    expect(onSend.mock.calls[1]?.[1]).toBe(onSend.mock.calls[0]?.[1]);

    type("Another text");
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    await vi.waitFor(() => expect(onSend).toHaveBeenCalledTimes(3));
    expect(onSend.mock.calls[2]?.[1]).not.toBe(onSend.mock.calls[0]?.[1]);
  });
});

describe("composer warning", () => {
  it("shows a warning tied to the box, and still sends", async () => {
    const onSend = vi.fn((_body: string, _key: string) => Promise.resolve());
    const view = render(() => (
      <Composer label="Reply to Test Patient" onSend={onSend} warning="This may be an opt-out request." />
    ));
    const box = view.getByLabelText("Reply to Test Patient");
    expect(view.getByRole("status")).toHaveTextContent("This may be an opt-out request.");
    expect(box).toHaveAccessibleDescription(/This may be an opt-out request\./);
    fireEvent.input(box, { target: { value: "We will call you." } });
    fireEvent.click(view.getByRole("button", { name: "Send" }));
    await vi.waitFor(() => expect(onSend).toHaveBeenCalledWith("We will call you.", expect.any(String)));
  });
});
