import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { launchBrowser } from "./browser";

const baseUrl = inject("baseUrl");
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});

afterAll(async () => {
  await browser.close();
});

test("an admin signs in, adds a patient and finds them by name and by phone digits", async () => {
  await page.goto(baseUrl);
  // Not signed in yet: the app sends us to sign-in first.
  await page.getByLabel("E-mail").fill("admin@example.com");
  await page.getByLabel("Password").fill("demo-admin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Text Messages" }).waitFor();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rolodex" }).click();
  await page.getByRole("heading", { name: "Rolodex" }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/rolodex");

  await page.getByRole("button", { name: "Add patient" }).click();
  const form = page.getByRole("form", { name: "Add patient" });
  await form.getByLabel("First name").fill("Quinn");
  await form.getByLabel("Last name").fill("Zephyrine");
  await form.getByLabel("Mobile phone").fill("(555) 867-5309");
  await form.getByLabel("Date of birth").fill("1990-07-14");
  await form.getByRole("button", { name: "Add patient" }).click();
  await page.getByRole("status").filter({ hasText: "Quinn Zephyrine added." }).waitFor();

  const search = page.getByLabel("Search patients");
  const row = page.getByRole("row").filter({ hasText: "Zephyrine, Quinn" });

  const names = () => page.getByRole("rowheader").allTextContents();

  // The search is debounced and runs on the server: wait for the list to narrow to the match.
  await search.fill("zephyr");
  await expect.poll(names, { timeout: 10_000 }).toEqual(["Zephyrine, Quinn"]);
  expect(await row.textContent()).toContain("(555) 867-5309");

  await search.fill("");
  await expect.poll(async () => (await names()).length, { timeout: 10_000 }).toBeGreaterThan(1);
  await search.fill("8675309");
  await expect.poll(names, { timeout: 10_000 }).toEqual(["Zephyrine, Quinn"]);

  // A name nobody has empties the list, so the two matches above were not just the whole Rolodex.
  await search.fill("nobody-by-this-name");
  await page.getByText("No patients match").waitFor();
});
