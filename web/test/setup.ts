import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@solidjs/testing-library";
import { afterEach, vi } from "vitest";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

// jsdom has no layout; the router scrolls to the top on navigation, which jsdom only logs as missing.
window.scrollTo = () => undefined;

// findBy*/waitFor give up after 1 s by default; the full suite runs workerd, jsdom and Chromium at once on two
// cores, where a lazily imported page can take longer than that to render. What is awaited still has to appear.
configure({ asyncUtilTimeout: 5_000 });
