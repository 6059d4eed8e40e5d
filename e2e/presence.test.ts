/**
 * Presence and collision with two signed-in users on one clinic number, each in their own browser context:
 * Sam Staff (A) and Avery Admin (B). B sees A viewing a conversation (initials on the row, "Also here" in the
 * thread), sees A typing, and is asked before sending when A has just replied.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import { phoneThread, rowButton, signInPage, textTheClinic } from "./app";
import { launchBrowser, LIVE } from "./browser";

let browser: Browser;
let contexts: BrowserContext[] = [];
let a: Page;
let b: Page;

async function signIn(email: string, password: string, width = 1280) {
  const { context, page } = await signInPage(browser, email, password, width);
  contexts.push(context);
  return page;
}

/** Opens a conversation from the queue and waits for its composer. */
async function open(page: Page, name: string) {
  await rowButton(page, name).waitFor(LIVE);
  await rowButton(page, name).click();
  await page.getByLabel(`Reply to ${name}`).waitFor(LIVE);
}

/**
 * A sends a reply and B sees it arrive. B may be typing (its draft), so A can be asked first: then A sends
 * anyway, which is the typing half of the collision rule.
 */
async function aReplies(name: string, text: string) {
  await a.getByLabel(`Reply to ${name}`).fill(text);
  await a.getByLabel(`Reply to ${name}`).press("Enter");
  const asked = a.getByRole("alertdialog", { name: "Avery Admin just replied. Send yours too?" });
  const arrived = b.getByRole("log", { name: `Messages with ${name}` }).getByText(text);
  await expect
    .poll(async () => {
      if (await asked.isVisible()) await asked.getByRole("button", { name: "Send anyway" }).click();
      return arrived.isVisible();
    }, LIVE)
    .toBe(true);
}

/** Counts the page's sends (POSTs of a staff text), so "Cancel sent nothing" is a count, not a wait. */
function countSends(page: Page) {
  let sends = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && /\/api\/conversations\/\d+\/messages$/.test(request.url())) sends++;
  });
  return () => sends;
}

beforeAll(async () => {
  browser = await launchBrowser();
});

beforeEach(async () => {
  a = await signIn("staff@example.com", "demo-staff");
  b = await signIn("admin@example.com", "demo-admin");
});

afterEach(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
});

afterAll(async () => {
  await browser.close();
});

test("B sees A viewing (initials on the row, Also here in the thread) and typing", async () => {
  const phone = "+15550107311";
  const name = "(555) 010-7311";
  await textTheClinic(phone, "Do you take walk-ins?");
  await rowButton(b, name).waitFor(LIVE);
  await open(a, name);

  const badge = b.getByRole("img", { name: "Sam Staff is viewing" });
  await badge.waitFor(LIVE);
  expect(await badge.getAttribute("title")).toBe("Sam Staff is viewing");
  expect(await badge.textContent()).toBe("SS");
  // On that conversation's row (the row holds its open button and the badges), and only there.
  const row = rowButton(b, name).locator("xpath=..");
  expect(await row.getByRole("img", { name: "Sam Staff is viewing" }).count()).toBe(1);
  expect(await b.getByRole("img", { name: "Sam Staff is viewing" }).count()).toBe(1);
  // A does not see themself.
  expect(await a.getByRole("img", { name: "Sam Staff is viewing" }).count()).toBe(0);

  await open(b, name);
  await b.getByText("Also here: Sam Staff").waitFor(LIVE);
  await a.getByText("Also here: Avery Admin").waitFor(LIVE);

  await a.getByLabel(`Reply to ${name}`).pressSequentially("Yes, until", { delay: 30 });
  await b.getByText("Sam Staff is typing…").waitFor(LIVE);
  expect(await a.getByText("Sam Staff is typing…").count()).toBe(0);

  // A closes the tab: their socket closes, and B's header and row stop listing them.
  await a.close();
  await expect.poll(() => b.getByText("Also here: Sam Staff").count(), LIVE).toBe(0);
  await expect.poll(() => b.getByRole("img", { name: "Sam Staff is viewing" }).count(), LIVE).toBe(0);
});

test("B is asked before sending when A has just replied: Cancel sends nothing, Send anyway sends", async () => {
  const phone = "+15550107312";
  const name = "(555) 010-7312";
  await textTheClinic(phone, "Can I get a refill?");
  await open(a, name);
  await open(b, name);
  const sends = countSends(b);

  // B starts a draft; then A's reply goes out.
  await b.getByLabel(`Reply to ${name}`).fill("We will call you back today.");
  // B's draft shows on A as typing, so A is asked too (the typing half of the rule) and sends anyway.
  await a.getByText("Avery Admin is typing…").waitFor(LIVE);
  await aReplies(name, "Sent to the pharmacy just now.");

  await b.getByRole("button", { name: "Send", exact: true }).click();
  const question = b.getByRole("alertdialog", { name: "Sam Staff just replied. Send yours too?" });
  await question.waitFor(LIVE);
  await question.getByRole("button", { name: "Cancel" }).click();
  await question.waitFor({ state: "detached", ...LIVE });
  expect(sends()).toBe(0);
  expect(await b.getByLabel(`Reply to ${name}`).inputValue()).toBe("We will call you back today.");

  // A replies again: B is asked again and this time sends.
  await aReplies(name, "Ready after 3 PM.");
  await b.getByRole("button", { name: "Send", exact: true }).click();
  await question.waitFor(LIVE);
  await question.getByRole("button", { name: "Send anyway" }).click();
  await b
    .getByRole("log", { name: `Messages with ${name}` })
    .getByText("We will call you back today.")
    .waitFor(LIVE);
  await expect.poll(() => phoneThread(phone), LIVE).toContain("We will call you back today.");
  expect(sends()).toBe(1);
  expect(await b.getByLabel(`Reply to ${name}`).inputValue()).toBe("");
});
