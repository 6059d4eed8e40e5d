/** Chromium for browser tests: the system build, never a downloaded one. */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install it with \`apt-get update && apt-get install -y chromium\` ` +
        "or point CHROMIUM_PATH at a Chromium binary.",
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/**
 * How long a browser test waits for something live (a text, a toast, presence) to show. Live updates land
 * within a second; the slack is for the full suite on a two-core box, where workerd, jsdom and Chromium share
 * it. A wait ends as soon as the thing appears, so the slack costs nothing when all is well.
 */
export const LIVE = { timeout: 10_000 };
