/**
 * Internal notes and quick replies with two front-desk users on the main number: the admin writes a note
 * that @-mentions the staff member, who sees it (with the admin's name) and is told; the patient's phone never
 * shows it. A quick reply made on the settings page is inserted filled with the patient's first name, and sent.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import { phoneThread, signInPage, textTheClinic } from "./app";
import { launchBrowser, LIVE } from "./browser";

const TEST_PHONE = "+15550001111";

let browser: Browser;
let contexts: BrowserContext[] = [];
let admin: Page;
let staff: Page;

async function signIn(email: string, password: string, width = 1280) {
  const { context, page } = await signInPage(browser, email, password, width);
  contexts.push(context);
  return page;
}

function rowButton(page: Page, name: string) {
  return page
    .getByRole("list", { name: "Conversations" })
    .getByRole("button", { name: new RegExp(`^(Unread|Read) ${name}`) });
}

async function openTestPatient(page: Page) {
  await rowButton(page, "Test Patient").waitFor(LIVE);
  await rowButton(page, "Test Patient").click();
  return page.getByRole("log", { name: "Messages with Test Patient" });
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

test("a note is seen by the colleague with its author, mentions them, and never reaches the phone", async () => {
  const asked = `Can I get a refill? ${crypto.randomUUID().slice(0, 6)}`;
  await textTheClinic(TEST_PHONE, asked);
  const adminLog = await openTestPatient(admin);
  const staffLog = await openTestPatient(staff);
  await adminLog.getByText(asked).waitFor(LIVE);

  const note = `@Sam please call her back about the refill ${crypto.randomUUID().slice(0, 6)}`;
  await admin.getByRole("switch", { name: "Internal note" }).check();
  await admin.getByLabel("Reply to Test Patient").fill(note);
  await admin.getByText("Mentions:").waitFor(LIVE);
  await admin.getByRole("button", { name: "Send", exact: true }).click();
  await adminLog.getByText(note).waitFor(LIVE);

  // The colleague sees it live, marked as a note and signed by its author, and is told of the mention.
  const bubble = staffLog.getByRole("listitem").filter({ hasText: note });
  await bubble.waitFor(LIVE);
  await expect.poll(() => bubble.textContent(), LIVE).toMatch(/Internal note.*Avery Admin/s);
  await staff.getByRole("button", { name: "You were mentioned in a note." }).waitFor(LIVE);

  const phone = await phoneThread(TEST_PHONE);
  expect(phone).toContain(asked);
  expect(phone).not.toContain(note);
});

test("a quick reply made in Settings is inserted filled with the patient's first name and sent", async () => {
  const name = `Refill ready ${crypto.randomUUID().slice(0, 6)}`;
  await admin.getByRole("link", { name: "Settings" }).click();
  await admin
    .getByRole("navigation", { name: "Settings" })
    .getByRole("link", { name: "Quick replies" })
    .click();
  const form = admin.getByRole("form", { name: "Add a quick reply" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Text").fill("Hi {patient.firstname}");
  await form.getByRole("button", { name: "Add quick reply" }).click();
  await form.getByRole("alert").filter({ hasText: "{patient.firstname} is not a placeholder" }).waitFor(LIVE);
  await form.getByLabel("Text").fill("Hi {patient.firstName}, your refill is ready. {staff.firstName}");
  await form.getByRole("button", { name: "Add quick reply" }).click();
  await admin.getByRole("row", { name: new RegExp(name) }).waitFor(LIVE);

  await textTheClinic(TEST_PHONE, "Is my refill ready?");
  const staffLog = await openTestPatient(staff);
  await staffLog.getByText("Is my refill ready?").first().waitFor(LIVE);
  const box = staff.getByLabel("Reply to Test Patient");
  await box.click();
  // "/" at the start of the empty composer opens the list.
  await box.press("/");
  await staff.getByRole("combobox", { name: "Search quick replies" }).fill(name);
  await staff.getByRole("option", { name: new RegExp(name) }).click();
  const filled = "Hi Test, your refill is ready. Sam";
  await expect.poll(() => box.inputValue(), LIVE).toBe(filled);
  await staff.getByText(`${filled.length} characters · 1 segment · GSM-7`).waitFor();
  await staff.getByRole("button", { name: "Send", exact: true }).click();
  await staffLog.getByText(filled).waitFor(LIVE);
  await expect.poll(() => phoneThread(TEST_PHONE), LIVE).toContain(filled);
});
