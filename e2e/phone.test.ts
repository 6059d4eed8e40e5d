/**
 * The app on a phone (390×844, and a phone on its side at 844×390): one toolbar row with a Menu, the list and
 * the thread taking turns with a Back button, 44 px touch targets, and no page ever wider than the screen.
 *
 * Every page signed-in users can reach is taken from web/routes.ts, so a page added later is checked too.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject, test } from "vitest";
import { escapeRegExp, phoneThread, textTheClinic } from "./app";
import { launchBrowser } from "./browser";

const baseUrl = inject("baseUrl");
const PORTRAIT = { width: 390, height: 844 };
const LANDSCAPE = { width: 844, height: 390 };
/** Live updates should land within a second; allow slack for a busy two-core box. */
const LIVE = { timeout: 5_000 };
/** WCAG 2.5.5's target size. */
const TOUCH_PX = 44;
/** One row of 44 px controls and its padding; two rows would be at least 88. */
const ONE_ROW_PX = 64;

let browser: Browser;
let contexts: BrowserContext[] = [];

/** Paths of every route in web/routes.ts, children joined to their parent's path; catch-alls left out. */
function routePaths(): string[] {
  const source = readFileSync(path.resolve(import.meta.dirname, "../web/routes.ts"), "utf8");
  const body = source.slice(source.indexOf("= ["));
  const prefixes: string[] = [];
  let last = "";
  const paths = new Set<string>();
  for (const match of body.matchAll(/path: "([^"]*)"|children: \[|\]/g)) {
    if (match[1] !== undefined) {
      const joined = `${prefixes.at(-1) ?? ""}${match[1]}`.replace(/\/+/g, "/");
      last = joined.length > 1 ? joined.replace(/\/$/, "") : joined;
      if (!match[1].includes("*")) paths.add(last);
    } else if (match[0].startsWith("children")) {
      prefixes.push(last === "/" ? "" : last);
    } else {
      prefixes.pop();
    }
  }
  return [...paths];
}

async function newPage(viewport: { width: number; height: number }) {
  // Touch for tap(); not isMobile, whose zoom-out would widen the window to fit a too-wide page.
  const context = await browser.newContext({ viewport, hasTouch: true });
  contexts.push(context);
  return context.newPage();
}

async function signIn(viewport = PORTRAIT) {
  const page = await newPage(viewport);
  await page.goto(`${baseUrl}/queue`);
  await page.getByLabel("E-mail").fill("admin@example.com");
  await page.getByLabel("Password").fill("demo-admin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Clinic number").waitFor();
  // Texts sent before the socket is up arrive with the first list load, not live: wait for it.
  await page.getByRole("status", { name: "Queue: Live" }).waitFor(LIVE);
  return page;
}

function rowButton(page: Page, name: string) {
  return page
    .getByRole("list", { name: "Conversations" })
    .getByRole("button", { name: new RegExp(`^(Unread|Read) ${escapeRegExp(name)}`) });
}

/** How much wider than the window the page is (0 when it fits), and what sticks out, for the message. */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const extra = document.documentElement.scrollWidth - window.innerWidth;
    if (extra <= 0) return "fits";
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
    return `${extra}px too wide: ${wide.join(", ")}`;
  });
}

async function toolbarHeight(page: Page) {
  return page.locator("header.toolbar").evaluate((e) => e.getBoundingClientRect().height);
}

/** Buttons, fields and toolbar links on screen that are shorter than a fingertip. */
async function smallTargets(page: Page) {
  return page.evaluate((min) => {
    const controls = document.querySelectorAll<HTMLElement>(
      'button, select, input:not([type="checkbox"], [type="radio"], [type="hidden"]), header a',
    );
    return [...controls]
      .filter((e) => {
        const box = e.getBoundingClientRect();
        const onScreen = box.width > 0 && box.bottom > 0 && box.top < window.innerHeight;
        // Visually hidden helpers (1×1 px) are for screen readers, not fingers.
        return onScreen && box.width > 1 && box.height < min;
      })
      .map((e) => `${e.tagName.toLowerCase()} "${(e.textContent ?? "").trim().slice(0, 30)}"`);
  }, TOUCH_PX);
}

async function openAndSettle(page: Page, url: string) {
  await page.goto(`${baseUrl}${url}`, { waitUntil: "networkidle" });
  await page.locator("h1").first().waitFor({ state: "attached" });
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterEach(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
});

afterAll(async () => {
  await browser.close();
});

test("on a phone: sign in, open a text, reply, Back to the list, Menu to Settings", async () => {
  const phone = "+15550108001";
  const name = "(555) 010-8001";
  await textTheClinic(phone, "Can I come in earlier today?");
  const page = await signIn();

  // One toolbar row: Text Messages, the live dot and Menu; the rest waits behind Menu.
  expect(await toolbarHeight(page)).toBeLessThan(ONE_ROW_PX);
  const menu = page.getByRole("button", { name: "Menu" });
  expect(await menu.getAttribute("aria-expanded")).toBe("false");
  expect(await page.getByRole("link", { name: /^Text Messages/ }).isVisible()).toBe(true);
  expect(await page.getByRole("link", { name: "Rolodex" }).isVisible()).toBe(false);
  expect(await smallTargets(page)).toEqual([]);

  // The thread takes the whole screen; the list is gone until Back.
  await rowButton(page, name).click(LIVE);
  const log = page.getByRole("log", { name: `Messages with ${name}` });
  await log.getByText("Can I come in earlier today?").waitFor(LIVE);
  expect(await page.getByRole("list", { name: "Conversations" }).isVisible()).toBe(false);
  const box = await page.locator("section.thread").boundingBox();
  expect(box?.width).toBe(PORTRAIT.width);
  expect(await overflow(page)).toBe("fits");
  expect(await smallTargets(page)).toEqual([]);

  // The composer is on screen (above the fold, where the keyboard will push it), and a tap on Send sends.
  await page.getByLabel(`Reply to ${name}`).fill("Yes, come at 2.");
  const send = page.getByRole("button", { name: "Send", exact: true });
  const sendBox = await send.boundingBox();
  expect((sendBox?.y ?? Infinity) + (sendBox?.height ?? 0)).toBeLessThanOrEqual(PORTRAIT.height);
  await send.tap();
  await log.getByText("Yes, come at 2.").waitFor(LIVE);
  await expect.poll(() => phoneThread(phone), LIVE).toContain("Yes, come at 2.");

  // Back: the list again, with focus on the row the thread was opened from.
  await page.getByRole("button", { name: "Back", exact: true }).tap();
  await page.getByRole("list", { name: "Conversations" }).waitFor();
  expect(await page.getByRole("log").count()).toBe(0);
  await expect
    .poll(() =>
      page.evaluate(
        () => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? "",
      ),
    )
    .toContain(name);

  // Menu discloses Rolodex, Settings and Sign out; choosing one closes it.
  await menu.tap();
  expect(await menu.getAttribute("aria-expanded")).toBe("true");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const item of ["Rolodex", "Settings"]) await nav.getByRole("link", { name: item }).waitFor();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  await nav.getByRole("link", { name: "Settings" }).tap();
  await page.getByRole("navigation", { name: "Settings" }).waitFor();
  expect(await menu.getAttribute("aria-expanded")).toBe("false");
  expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(false);
  expect(await overflow(page)).toBe("fits");
});

test("no page is wider than a phone, every toolbar is one row, every control a fingertip tall", async () => {
  const paths = routePaths();
  // The parser found the app's pages (not an empty list that would pass everything).
  expect(paths).toEqual(expect.arrayContaining(["/queue", "/rolodex", "/settings/users", "/simulator"]));

  // Signed out: the sign-in page and the simulator.
  const guest = await newPage(PORTRAIT);
  for (const url of ["/login", "/simulator"]) {
    await openAndSettle(guest, url);
    expect({ url, overflow: await overflow(guest) }).toEqual({ url, overflow: "fits" });
    expect({ url, small: await smallTargets(guest) }).toEqual({ url, small: [] });
  }

  await textTheClinic("+15550108002", "Do you take walk-ins?");
  const page = await signIn();
  const signedIn = paths.filter((p) => p !== "/login");
  for (const url of signedIn) {
    await openAndSettle(page, url);
    expect({ url, overflow: await overflow(page) }).toEqual({ url, overflow: "fits" });
    expect({ url, small: await smallTargets(page) }).toEqual({ url, small: [] });
    if (url !== "/simulator")
      expect({ url, toolbar: (await toolbarHeight(page)) < ONE_ROW_PX }).toEqual({ url, toolbar: true });
  }

  // A thread, with its team-inbox actions (Assigned to, Done, Snooze) and the composer's tools.
  await openAndSettle(page, "/queue");
  await rowButton(page, "(555) 010-8002").click(LIVE);
  await page
    .getByRole("log", { name: "Messages with (555) 010-8002" })
    .getByText("Do you take walk-ins?")
    .waitFor(LIVE);
  await page.getByLabel("Assigned to").waitFor();
  await page.getByRole("button", { name: "Quick replies" }).waitFor();
  expect(await overflow(page)).toBe("fits");
  expect(await smallTargets(page)).toEqual([]);
});

test("a phone on its side (844×390): one toolbar row, one pane at a time, nothing wider than the screen", async () => {
  await textTheClinic("+15550108003", "Running five minutes late");
  const page = await signIn(LANDSCAPE);
  expect(await toolbarHeight(page)).toBeLessThan(ONE_ROW_PX);
  await page.getByRole("button", { name: "Menu" }).waitFor();
  expect(await overflow(page)).toBe("fits");

  await rowButton(page, "(555) 010-8003").click(LIVE);
  await page
    .getByRole("log", { name: "Messages with (555) 010-8003" })
    .getByText("Running five minutes late")
    .waitFor(LIVE);
  expect(await page.getByRole("list", { name: "Conversations" }).isVisible()).toBe(false);
  expect((await page.locator("section.thread").boundingBox())?.width).toBe(LANDSCAPE.width);
  expect(await overflow(page)).toBe("fits");
  expect(await smallTargets(page)).toEqual([]);
  await page.getByRole("button", { name: "Back", exact: true }).tap();
  await page.getByRole("list", { name: "Conversations" }).waitFor();

  await openAndSettle(page, "/settings/users");
  expect(await overflow(page)).toBe("fits");
});

test("a tablet (800 px) keeps the list and the thread side by side, with the full toolbar", async () => {
  await textTheClinic("+15550108004", "Is the lab open?");
  const page = await signIn({ width: 800, height: 1000 });
  expect(await page.getByRole("button", { name: "Menu" }).isVisible()).toBe(false);
  expect(await page.getByRole("link", { name: "Rolodex" }).isVisible()).toBe(true);
  await rowButton(page, "(555) 010-8004").click(LIVE);
  await page
    .getByRole("log", { name: "Messages with (555) 010-8004" })
    .getByText("Is the lab open?")
    .waitFor(LIVE);
  expect(await page.getByRole("list", { name: "Conversations" }).isVisible()).toBe(true);
  expect(await page.getByRole("button", { name: "Back", exact: true }).isVisible()).toBe(false);
  expect(await page.getByRole("button", { name: "Send", exact: true }).isVisible()).toBe(true);
  expect(await overflow(page)).toBe("fits");
});
