/**
 * Export history from a conversation, as a front-desk user does it: the file is built in R2, listed with
 * its status, and downloaded through the Worker.
 */
import { readFile } from "node:fs/promises";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { launchBrowser } from "./browser";

const baseUrl = inject("baseUrl");
const MAIN = "+15551230001";
const PHONE = "+15550104242";
/** Commas, quotes, a newline, an emoji and a leading "=": everything that breaks naive CSV. */
const TRICKY = '=SUM(A1) "quoted", then\na new line 😀';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
});

test("export a conversation's history and download the CSV", async () => {
  const sent = await fetch(`${baseUrl}/api/simulator/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: PHONE, to: MAIN, body: TRICKY }),
  });
  expect(sent.status).toBe(201);

  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/queue`);
  await page.getByLabel("E-mail").fill("admin@example.com");
  await page.getByLabel("Password").fill("demo-admin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page
    .getByRole("list", { name: "Conversations" })
    .getByRole("button", { name: /^(Unread|Read) \(555\) 010-4242/ })
    .click();

  await page.getByRole("button", { name: "Export history" }).click();
  const panel = page.getByRole("region", { name: "Your exports" });
  const link = panel.getByRole("link", { name: "Download" }).first();
  await link.waitFor({ timeout: 20_000 });
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const path = await download.path();
  const bytes = await readFile(path);
  const text = bytes.toString("utf8");

  expect(text.startsWith("\uFEFF")).toBe(true);
  // The body survives intact, quoted, with the formula neutralised by a leading apostrophe.
  expect(text).toContain(`"'=SUM(A1) ""quoted"", then\na new line 😀"`);
  await context.close();
});
