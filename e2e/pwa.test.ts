/**
 * The installable app: the manifest and its icons as a browser's install check reads them, the service
 * worker taking control, the "You are offline" screen when the network is cut, and the rule that nothing
 * from /api (PHI) is ever kept in the service worker's caches. Runs against `vite dev`, where the worker
 * works network-first (there are no built /assets/ to precache) with the same offline fallback.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject, test } from "vitest";
import { launchBrowser } from "./browser";

const baseUrl = inject("baseUrl");
const LIVE = { timeout: 5_000 };

type ManifestIcon = { src: string; sizes: string; type?: string; purpose?: string };
type Manifest = {
  name?: string;
  short_name?: string;
  start_url?: string;
  display?: string;
  theme_color?: string;
  background_color?: string;
  icons?: ManifestIcon[];
};

let browser: Browser;
let contexts: BrowserContext[] = [];

async function signIn(email: string, password: string) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/queue`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Clinic number").waitFor();
  await page.getByRole("status", { name: "Queue: Live" }).waitFor(LIVE);
  return { context, page };
}

/** Resolves once the page is controlled by the active service worker, with its script URL. */
async function controlled(page: Page): Promise<string> {
  const scriptUrl = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return registration.active?.scriptURL ?? "";
  });
  // clients.claim() in activate hands the open page to the worker without a reload.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, LIVE);
  return scriptUrl;
}

/** Every URL held in any of the origin's caches, by cache name. */
function cachedUrls(page: Page) {
  return page.evaluate(async () => {
    const entries: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      entries[name] = (await cache.keys()).map((request) => new URL(request.url).pathname);
    }
    return entries;
  });
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes: Uint8Array) {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  expect([...bytes.subarray(0, 8)]).toEqual(signature);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(new TextDecoder().decode(bytes.subarray(12, 16))).toBe("IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
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

test("index.html links a manifest with everything install needs, and each icon is a PNG of its size", async () => {
  const page = await (await browser.newContext()).newPage();
  contexts.push(page.context());
  await page.goto(`${baseUrl}/`);
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBe("/manifest.webmanifest");
  expect(await page.locator('meta[name="theme-color"]').getAttribute("content")).toBe("#0a524c");

  const response = await fetch(new URL(href ?? "", baseUrl));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/manifest\+json/);
  const manifest = (await response.json()) as Manifest;
  expect(manifest).toMatchObject({
    name: "Textdesk",
    short_name: "Textdesk",
    start_url: "/queue",
    display: "standalone",
    theme_color: "#0a524c",
    background_color: "#f4f6f8",
  });

  const icons = manifest.icons ?? [];
  const sizes = (purpose: string) =>
    icons.filter((icon) => (icon.purpose ?? "any").split(" ").includes(purpose)).map((icon) => icon.sizes);
  expect(sizes("any")).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  expect(sizes("maskable").length).toBeGreaterThan(0);
  for (const icon of icons) {
    const res = await fetch(new URL(icon.src, baseUrl));
    expect(res.status, icon.src).toBe(200);
    expect(res.headers.get("content-type"), icon.src).toBe("image/png");
    expect(icon.type).toBe("image/png");
    const { width, height } = pngSize(new Uint8Array(await res.arrayBuffer()));
    expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
  }
});

test("every API answer says Cache-Control: no-store, through the dev server too", async () => {
  for (const path of ["/api/openapi.json", "/api/auth/me", "/api/no-such-route"]) {
    const res = await fetch(`${baseUrl}${path}`);
    expect(res.headers.get("cache-control"), path).toBe("no-store");
  }
});

test("the service worker takes control, and with the network cut a reload shows the offline screen", async () => {
  const { context, page } = await signIn("staff@example.com", "demo-staff");
  expect(new URL(await controlled(page)).pathname).toBe("/sw.js");

  await context.setOffline(true);
  await page.reload();
  await expect
    .poll(() => page.getByRole("heading", { name: "You are offline" }).isVisible(), LIVE)
    .toBe(true);
  expect(page.url()).toBe(`${baseUrl}/queue`);
  // A page never visited before is offline too, not blank.
  await page.goto(`${baseUrl}/rolodex`);
  await page.getByRole("heading", { name: "You are offline" }).waitFor(LIVE);

  // Back online, "Try again" loads the real page: the offline screen is a fallback, never a stale copy.
  await context.setOffline(false);
  await page.getByRole("link", { name: "Try again" }).click();
  await page.getByRole("heading", { name: "You are offline" }).waitFor({ state: "detached", ...LIVE });
  expect(page.url()).toBe(`${baseUrl}/rolodex`);
});

test("nothing from /api is kept in the caches, and offline an API call fails instead of answering from one", async () => {
  const { context, page } = await signIn("admin@example.com", "demo-admin");
  await controlled(page);
  // Requests made while the worker controls the page: a conversation list and a thread's worth of API calls.
  await page.goto(`${baseUrl}/queue`);
  await page.getByRole("status", { name: "Queue: Live" }).waitFor(LIVE);
  await page.evaluate(async () => {
    await fetch("/api/auth/me");
    await fetch("/api/openapi.json");
  });

  const cached = await cachedUrls(page);
  const all = Object.values(cached).flat();
  // The check below is only worth something if the worker did cache: the offline page is there.
  expect(all).toContain("/offline.html");
  expect(all.filter((path) => path.startsWith("/api/") || path.startsWith("/webhooks/"))).toEqual([]);

  await context.setOffline(true);
  const offline = await page.evaluate(async () => {
    const icon = await fetch("/icons/icon-192.png").then(
      (res) => res.status,
      () => "failed",
    );
    const api = await fetch("/api/auth/me").then(
      (res) => res.status,
      () => "failed",
    );
    return { icon, api };
  });
  // The icon comes from the cache; the API call goes to the (cut) network and fails.
  expect(offline).toEqual({ icon: 200, api: "failed" });
});
