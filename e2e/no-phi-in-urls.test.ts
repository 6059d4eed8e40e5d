/**
 * Workers Logs (and any proxy on the way) keep every request URL, so no URL the web app makes may carry a
 * patient's name or phone. This walks the screens where one would leak (the queue's search by name and by
 * phone, opening a conversation, the Rolodex search and its next page) and records every URL the browser
 * asks for: API calls, the live socket and page navigations.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { launchBrowser } from "./browser";

const baseUrl = inject("baseUrl");
const MAIN = "+15551230001";
const ALVAREZ_PHONE = "+15550002222";
/** Seeded patients' names (worker/db/seed-demo.ts) and the ones this test adds. */
const NAMES = ["Alvarez", "Maria", "Diego", "Test Patient", "Quillfeather"];

let browser: Browser;
let context: BrowserContext;
let page: Page;
const urls: string[] = [];

/** The URLs that carry data: the API, the socket and the pages. Scripts and styles are the app's own code. */
function isDataUrl(raw: string) {
  const url = new URL(raw);
  return url.pathname.startsWith("/api/") || url.pathname === "/" || !url.pathname.includes(".");
}

/** Every way a URL could spell PHI: as sent, percent-decoded, and with query values read as base64. */
function readings(raw: string): string[] {
  const url = new URL(raw);
  const decoded = decodeURIComponent(url.pathname + url.search);
  const base64 = [...url.searchParams.values()].flatMap((value) => {
    try {
      return [decodeURIComponent(atob(value))];
    } catch {
      return [];
    }
  });
  return [decoded, ...base64];
}

/** Resolves when the app has sent this search (debounced), so the next keystroke cannot swallow it. */
function searched(path: string, term: string) {
  return page.waitForRequest((r) => r.url().includes(path) && (r.postData() ?? "").includes(term), {
    timeout: 10_000,
  });
}

function leaks(raw: string): string[] {
  const found: string[] = [];
  for (const text of readings(raw)) {
    if (/\d{6,}/.test(text)) found.push(`digits in ${raw}`);
    if (/\d{3}\D{1,2}\d{3}\D\d{4}/.test(text)) found.push(`formatted phone in ${raw}`);
    for (const name of NAMES) {
      if (text.toLowerCase().includes(name.toLowerCase())) found.push(`${name} in ${raw}`);
    }
  }
  return found;
}

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.on("request", (request) => urls.push(request.url()));
  context.on("page", (p) => p.on("websocket", (socket) => urls.push(socket.url())));
  page = await context.newPage();
  page.on("websocket", (socket) => urls.push(socket.url()));
  page.on("framenavigated", (frame) => urls.push(frame.url()));
});

afterAll(async () => {
  await browser.close();
});

test("searching the queue and the Rolodex by name and phone and opening a conversation puts no PHI in a URL", async () => {
  // A conversation with a known family, texted in outside the browser so it is not among the recorded URLs.
  const texted = await fetch(`${baseUrl}/api/simulator/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: ALVAREZ_PHONE, to: MAIN, body: "Is the clinic open on Monday?" }),
  });
  expect(texted.status).toBe(201);

  await page.goto(`${baseUrl}/queue`);
  await page.getByLabel("E-mail").fill("admin@example.com");
  await page.getByLabel("Password").fill("demo-admin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Clinic number").waitFor();

  // Enough patients for a second Rolodex page, added through the context's own request API (not recorded).
  for (let i = 0; i < 12; i++) {
    const added = await context.request.post(`${baseUrl}/api/patients`, {
      data: {
        firstName: `Quinn${String.fromCharCode(97 + i)}`,
        lastName: "Quillfeather",
        phone: `+1555020${1000 + i}`,
      },
    });
    expect(added.status()).toBe(201);
  }

  const conversations = page.getByRole("list", { name: "Conversations" });
  const alvarez = conversations.getByRole("button", { name: /^(Unread|Read) Maria Alvarez, Diego Alvarez/ });
  const queueSearch = page.getByLabel("Search conversations");
  for (const term of ["Alvarez", "5550002222"]) {
    const sent = searched("/conversations/search", term);
    await queueSearch.fill(term);
    await sent;
    await alvarez.waitFor({ timeout: 10_000 });
  }
  await alvarez.click();
  await page.getByText("Is the clinic open on Monday?").first().waitFor({ timeout: 10_000 });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rolodex" }).click();
  await page.getByRole("heading", { name: "Rolodex" }).waitFor();
  const names = () => page.getByRole("rowheader").allTextContents();
  // The whole Rolodex is more than a page: the next one is fetched with the API's cursor.
  await page.getByRole("button", { name: "Load more" }).click();
  await expect.poll(async () => (await names()).length, { timeout: 10_000 }).toBeGreaterThan(50);
  const search = page.getByLabel("Search patients");
  for (const term of ["Alvarez", "5550002222"]) {
    const sent = searched("/api/patients/search", term);
    await search.fill(term);
    await sent;
    await expect.poll(names, { timeout: 10_000 }).toEqual(["Alvarez, Diego", "Alvarez, Maria"]);
  }
  await search.fill("Quillfeather");
  await expect.poll(async () => (await names()).length, { timeout: 10_000 }).toBe(12);

  const recorded = urls.filter(isDataUrl);
  // The walk did reach the API (searches, the thread, the socket), so an empty list cannot pass.
  expect(recorded.some((u) => u.includes("/api/patients"))).toBe(true);
  expect(recorded.some((u) => u.includes("/api/conversations/"))).toBe(true);
  expect(recorded.some((u) => u.startsWith("ws"))).toBe(true);
  expect(recorded.flatMap(leaks)).toEqual([]);
});
