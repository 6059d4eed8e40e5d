/**
 * Reminder replies in Chromium: the practice system sends a reminder with an appointment that expects an
 * answer, the simulator phone answers, and the staff screen shows how the reply was read: "C" is
 * "Confirmed ✓"; a request to move the appointment is "Wants to reschedule" and is listed under Needs
 * attention.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject, test } from "vitest";
import { escapeRegExp, MAIN, phoneThread, rowButton, signInPage, textTheClinic } from "./app";
import { launchBrowser, LIVE } from "./browser";

// Phones no other browser test uses.
const CONFIRMS = { phone: "+15550115001", name: "(555) 011-5001" };
const RESCHEDULES = { phone: "+15550115002", name: "(555) 011-5002" };

let browser: Browser;
let contexts: BrowserContext[] = [];

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

/** A practice-system key, made by the signed-in admin from their own page (session cookie, same origin). */
async function createApiKey(page: Page): Promise<string> {
  const answer = await page.evaluate(async () => {
    const response = await fetch("/api/admin/api-keys", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Reminder replies e2e" }),
    });
    return { status: response.status, body: (await response.json()) as { secret?: string } };
  });
  expect(answer.status).toBe(201);
  const secret = answer.body.secret;
  if (!secret) throw new Error("the API key answer had no secret");
  return secret;
}

/** POST /api/v1/messages: one reminder about an appointment two days ahead, asking the phone to confirm. */
async function sendReminder(key: string, phone: string, appointmentId: string, body: string) {
  const startsAt = new Date(Date.now() + 2 * 86_400_000).toISOString();
  const response = await fetch(`${inject("baseUrl")}/api/v1/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      from: MAIN,
      kind: "reminder",
      expects: "confirmation",
      body,
      recipients: [{ phone, appointment: { id: appointmentId, startsAt, label: "cleaning with Dr. Lee" } }],
    }),
  });
  const answer = (await response.json()) as { results?: { status: string }[] };
  expect(response.status, JSON.stringify(answer)).toBe(202);
  expect(answer.results?.[0]?.status).toBe("queued");
  // The reply is read against the reminder once it was sent: wait until the phone has it.
  await expect.poll(() => phoneThread(phone), LIVE).toContain(body);
}

test("a reminder answered C shows Confirmed; one answered with a new time is listed under Needs attention", async () => {
  const { context, page } = await signInPage(browser, "admin@example.com", "demo-admin");
  contexts.push(context);
  const key = await createApiKey(page);

  const confirmBody = "Demo Family Clinic: your cleaning is in two days. Reply C to confirm.";
  await sendReminder(key, CONFIRMS.phone, "e2e-appt-confirm", confirmBody);
  await textTheClinic(CONFIRMS.phone, "C");
  await rowButton(page, CONFIRMS.name).click(LIVE);
  const log = page.getByRole("log", { name: `Messages with ${CONFIRMS.name}` });
  await log
    .getByText(
      /^Appointment \w{3}, \w{3} \d{1,2} at \d{1,2}:\d{2} (AM|PM).* · cleaning with Dr\. Lee · asked to confirm$/,
    )
    .waitFor(LIVE);
  await log.getByText("Confirmed ✓", { exact: true }).waitFor(LIVE);

  const rescheduleBody =
    "Demo Family Clinic: your cleaning is in two days. Reply C to confirm or R to reschedule.";
  await sendReminder(key, RESCHEDULES.phone, "e2e-appt-reschedule", rescheduleBody);
  await textTheClinic(RESCHEDULES.phone, "Can we move it to another day?");

  await page.getByLabel("Needs attention").check();
  // Listed, with the row's mark in its name; the confirmed one is not.
  await page
    .getByRole("list", { name: "Conversations" })
    .getByRole("button", {
      name: new RegExp(`^(Unread|Read) ${escapeRegExp(RESCHEDULES.name)} .*Needs attention$`),
    })
    .click(LIVE);
  await expect.poll(() => rowButton(page, CONFIRMS.name).count(), LIVE).toBe(0);
  const second = page.getByRole("log", { name: `Messages with ${RESCHEDULES.name}` });
  await second.getByText("Wants to reschedule", { exact: true }).waitFor(LIVE);
  await second.getByRole("button", { name: "Change: Wants to reschedule" }).waitFor(LIVE);
});
