/**
 * Assignment and open/done/snoozed with two signed-in users on the main (simulator) number: the admin
 * assigns a conversation to the staff member, whose screen toasts even on another page; Done takes it out of
 * Open, and the patient's next text brings it back.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "vitest";
import { rowButton, signInPage, textTheClinic } from "./app";
import { launchBrowser, LIVE } from "./browser";

let browser: Browser;
let contexts: BrowserContext[] = [];
let admin: Page;
let staff: Page;

async function signIn(email: string, password: string, width = 1280) {
  const { context, page } = await signInPage(browser, email, password, width);
  contexts.push(context);
  return page;
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

test("the admin assigns a conversation to the staff member, who gets a toast on another page and sees it under Mine", async () => {
  const name = "(555) 010-8001";
  await textTheClinic("+15550108001", "Can someone call me back about my bill?");
  await rowButton(admin, name).click();
  await admin.getByLabel("Assigned to").waitFor(LIVE);
  // The staff member is elsewhere in the app.
  await staff.getByRole("link", { name: "Rolodex" }).click();
  await expect.poll(() => admin.getByRole("option", { name: "Sam Staff" }).count(), LIVE).toBe(1);
  await admin.getByLabel("Assigned to").selectOption({ label: "Sam Staff" });
  await admin
    .getByRole("log", { name: `Messages with ${name}` })
    .getByText("Avery Admin assigned this to Sam Staff")
    .waitFor(LIVE);
  await staff.getByRole("button", { name: /^Conversation assigned to you\./ }).click(LIVE);
  // The toast opened the conversation; Mine lists it, and its row names the assignee.
  await staff.getByRole("log", { name: `Messages with ${name}` }).waitFor(LIVE);
  await staff.getByRole("tab", { name: "Mine" }).click();
  await rowButton(staff, name).waitFor(LIVE);
  expect(await rowButton(staff, name).textContent()).toContain("Sam Staff");
  // The admin did it themselves: no toast on their screen.
  expect(await admin.getByRole("button", { name: /^Conversation assigned to you\./ }).count()).toBe(0);
});

test("Done takes it out of Open for both users; a text from the patient reopens it", async () => {
  const name = "(555) 010-8002";
  await textTheClinic("+15550108002", "Thanks, that is all.");
  await rowButton(staff, name).waitFor(LIVE);
  await rowButton(admin, name).click();
  await admin.getByRole("button", { name: "Done", exact: true }).click();
  await admin.getByRole("button", { name: "Reopen" }).waitFor(LIVE);
  // It leaves the staff member's Open list live, and is under Done.
  await expect.poll(() => rowButton(staff, name).count(), LIVE).toBe(0);
  await staff.getByRole("tab", { name: "Done" }).click();
  await rowButton(staff, name).waitFor(LIVE);

  await textTheClinic("+15550108002", "Actually, one more question.");
  await expect.poll(() => rowButton(staff, name).count(), LIVE).toBe(0);
  await staff.getByRole("tab", { name: "Open" }).click();
  await rowButton(staff, name).waitFor(LIVE);
  const log = admin.getByRole("log", { name: `Messages with ${name}` });
  await log.getByText("Avery Admin marked this done").waitFor(LIVE);
  await log.getByText("Reopened by a new text from the patient").waitFor(LIVE);
  await admin.getByRole("button", { name: "Done", exact: true }).waitFor(LIVE);
});
