/**
 * Two front-desk users on the same clinic number, live: the admin and the staff member each in their own
 * browser context (own cookies), while a test phone texts in through the simulator.
 *
 * Every test signs both users in on fresh pages and texts from its own phone, so no test relies on the
 * toast, the open conversation or the read state another test left (the e2e config shuffles their order).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import { phoneThread, rowButton, signInPage, textTheClinic } from "./app";
import { launchBrowser, LIVE } from "./browser";

const TEST_PHONE = "+15550001111";
const ALVAREZ_PHONE = "+15550002222";

let browser: Browser;
let contexts: BrowserContext[] = [];
let admin: Page;
let staff: Page;

async function signIn(email: string, password: string, width = 1280) {
  const { context, page } = await signInPage(browser, email, password, width);
  contexts.push(context);
  return page;
}

async function dotOf(page: Page, name: string) {
  const label = await rowButton(page, name).getByRole("img").getAttribute("aria-label");
  return label ?? "";
}

beforeAll(async () => {
  browser = await launchBrowser();
});

beforeEach(async () => {
  admin = await signIn("admin@example.com", "demo-admin");
  staff = await signIn("staff@example.com", "demo-staff");
});

afterEach(async () => {
  for (const context of contexts) await context.close();
  contexts = [];
});

afterAll(async () => {
  await browser.close();
});

test("a text from the phone appears live for both users with a red dot and a toast", async () => {
  await textTheClinic(TEST_PHONE, "Can I move my appointment to Friday?");
  // Both screens at once: the toast lasts ten seconds, so one page's checks must not eat into the other's.
  const sees = async (page: Page) => {
    await rowButton(page, "Test Patient").waitFor(LIVE);
    await expect.poll(() => dotOf(page, "Test Patient"), LIVE).toBe("Unread");
    await page
      .getByRole("button", { name: /^Text message received\. The system has received/ })
      .waitFor(LIVE);
    // The toolbar's Text Messages link announces (and shows, in red) that something is unread.
    await page.getByRole("link", { name: /Text Messages \(\d+ unread\)/ }).waitFor(LIVE);
    await expect.poll(() => page.title(), LIVE).toMatch(/^\(\d+\) Textdesk$/);
  };
  await Promise.all([sees(admin), sees(staff)]);
});

test("one user opens it from the toast and the other's dot turns green; Mark Unread turns it red for both", async () => {
  const name = "(555) 010-7002";
  await textTheClinic("+15550107002", "Is parking free on Saturdays?");
  await rowButton(staff, name).waitFor(LIVE);
  await admin
    .getByRole("button", { name: /^Text message received\./ })
    .first()
    .click();
  await admin
    .getByRole("log", { name: `Messages with ${name}` })
    .getByText("Is parking free")
    .waitFor();
  await expect.poll(() => dotOf(staff, name), LIVE).toBe("Read");
  await expect.poll(() => dotOf(admin, name), LIVE).toBe("Read");

  await rowButton(staff, name).click({ button: "right" });
  await staff.getByRole("menu").getByRole("menuitem", { name: "Mark Unread" }).click();
  await expect.poll(() => dotOf(staff, name), LIVE).toBe("Unread");
  await expect.poll(() => dotOf(admin, name), LIVE).toBe("Unread");
});

test("a reply from the composer reaches the phone, and Shift+Enter makes a new line", async () => {
  const phone = "+15550107003";
  const name = "(555) 010-7003";
  await textTheClinic(phone, "Does Friday at 10 work?");
  await rowButton(admin, name).click(LIVE);
  const box = admin.getByLabel(`Reply to ${name}`);
  await box.click();
  await admin.keyboard.type("Friday works.");
  await admin.keyboard.press("Shift+Enter");
  await admin.keyboard.type("See you at 10!");
  await admin.getByText("28 characters · 1 segment · GSM-7").waitFor(LIVE);
  await admin.keyboard.press("Enter");

  const log = admin.getByRole("log", { name: `Messages with ${name}` });
  await log.getByText("See you at 10!").waitFor(LIVE);
  await expect.poll(() => phoneThread(phone), LIVE).toContain("Friday works.\nSee you at 10!");
  // The other user sees the reply in the same conversation, with its author.
  await rowButton(staff, name).click(LIVE);
  await staff
    .getByRole("log", { name: `Messages with ${name}` })
    .getByText("Avery Admin")
    .first()
    .waitFor(LIVE);
});

test("switching numbers is instant and remembered", async () => {
  const name = "(555) 010-7004";
  await textTheClinic("+15550107004", "Just checking in");
  await rowButton(admin, name).waitFor(LIVE);
  const picker = admin.getByLabel("Clinic number");
  // By value: the option's label carries Westside's unread count, which the living demo makes non-zero.
  await expect
    .poll(() => picker.locator("option").allTextContents())
    .toContainEqual(expect.stringMatching(/^Westside · \(555\) 123-0002/));
  await picker.selectOption("2");
  // The living demo's Westside conversation (worker/db/seed-demo.ts); none of Main's.
  await rowButton(admin, "Isabella Jensen").waitFor();
  expect(await rowButton(admin, name).count()).toBe(0);
  expect(new URL(admin.url()).searchParams.get("number")).toBe("2");
  // Back to the queue from the toolbar: the choice is remembered.
  await admin.getByRole("link", { name: "Rolodex" }).click();
  await admin
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: /Text Messages/ })
    .click();
  await expect.poll(() => picker.inputValue()).toBe("2");
  await picker.selectOption("1");
  await rowButton(admin, name).waitFor();
});

test("start a conversation from the Rolodex, then a STOP from the phone replaces the composer", async () => {
  await staff.getByRole("button", { name: "Rolodex" }).click();
  await staff.getByLabel("Find a patient").fill("alvarez");
  await staff.getByRole("button", { name: /^Alvarez, Maria/ }).click();
  await staff.getByLabel("Text to Maria Alvarez").fill("Hi Maria, this is the clinic. Call us back?");
  await staff.getByRole("button", { name: "Send", exact: true }).click();

  await staff.getByRole("heading", { name: "Maria Alvarez, Diego Alvarez" }).waitFor(LIVE);
  await staff.getByText("Hi Maria, this is the clinic. Call us back?").first().waitFor(LIVE);
  await rowButton(admin, "Maria Alvarez, Diego Alvarez").waitFor(LIVE);
  await expect
    .poll(() => phoneThread(ALVAREZ_PHONE), LIVE)
    .toContain("Hi Maria, this is the clinic. Call us back?");

  await textTheClinic(ALVAREZ_PHONE, "STOP");
  await staff
    .getByText(/^This patient opted out by texting STOP on .+\. They must text START to receive texts\.$/)
    .waitFor(LIVE);
  expect(await staff.getByLabel("Reply to Maria Alvarez, Diego Alvarez").count()).toBe(0);
});
