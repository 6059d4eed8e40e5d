import { afterEach, describe, expect, it, vi } from "vitest";
import { ACTIVE_WINDOW_MS, backgroundHeaders } from "./user-activity";

afterEach(() => {
  vi.useRealTimers();
});

describe("background requests", () => {
  it("flags requests made a minute after the last key or click, and not right after one", () => {
    vi.useFakeTimers();
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    expect(backgroundHeaders()).toEqual({});
    vi.advanceTimersByTime(ACTIVE_WINDOW_MS + 1);
    expect(backgroundHeaders()).toEqual({ "x-textdesk-background": "1" });
    document.dispatchEvent(new Event("pointerdown"));
    expect(backgroundHeaders()).toEqual({});
  });
});
