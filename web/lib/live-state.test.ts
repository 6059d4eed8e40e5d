import { describe, expect, test } from "vitest";
import { combineLiveness } from "./live-state";

describe("the toolbar's live indicator over every number's socket", () => {
  test("is live only when every socket is", () => {
    expect(combineLiveness(["live", "live"])).toBe("live");
    expect(combineLiveness(["live", "syncing"])).toBe("connecting");
    expect(combineLiveness(["connecting", "live"])).toBe("connecting");
  });
  test("says reconnecting as soon as one number's socket is down", () => {
    expect(combineLiveness(["live", "offline"])).toBe("offline");
    expect(combineLiveness(["offline", "connecting"])).toBe("offline");
  });
  test("a user with no numbers has nothing to wait for", () => {
    expect(combineLiveness([])).toBe("live");
  });
});
