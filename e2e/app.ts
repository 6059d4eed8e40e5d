/**
 * What every browser test does with the running app: sign a demo user in, text the clinic from a phone
 * through the simulator, read what the phone got, and find a conversation's row in the queue.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect, inject } from "vitest";
import { LIVE } from "./browser";

/** The demo's Main office, on the simulator carrier. */
export const MAIN = "+15551230001";

const baseUrl = () => inject("baseUrl");

/**
 * Signs a user in on a fresh context (own cookies) and waits until the queue is live: a text sent before the
 * socket is up arrives with the first list load, not live (no toast).
 */
export async function signInPage(
  browser: Browser,
  email: string,
  password: string,
  width = 1280,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/queue`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Clinic number").waitFor();
  await page.getByRole("status", { name: "Queue: Live" }).waitFor(LIVE);
  return { context, page };
}

export async function textTheClinic(from: string, body: string) {
  const response = await fetch(`${baseUrl()}/api/simulator/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from, to: MAIN, body }),
  });
  expect(response.status).toBe(201);
}

/** What the patient's phone shows (the simulator's view of the thread). */
export async function phoneThread(phone: string): Promise<string[]> {
  const url = `${baseUrl()}/api/simulator/phones/${encodeURIComponent(phone)}/messages?to=${encodeURIComponent(MAIN)}`;
  const { messages } = (await (await fetch(url)).json()) as { messages: { body: string }[] };
  return messages.map((m) => m.body);
}

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A row's open button is named "Unread Test Patient 10:42 AM …" or "Read …". */
export function rowButton(page: Page, name: string) {
  return page
    .getByRole("list", { name: "Conversations" })
    .getByRole("button", { name: new RegExp(`^(Unread|Read) ${escapeRegExp(name)}`) });
}
