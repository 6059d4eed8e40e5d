/**
 * The Web Push subscription round trip on a phone-sized screen (412×915, a size no other browser test uses):
 * sign in, open My notifications, store a test subscription through the page's own fetch (the standard
 * PushSubscription JSON a browser's PushManager would hand over, with a real P-256 key), see it listed after
 * a reload, and Remove it. The list needs no PushManager, so the device row is the real UI's.
 */
import { createECDH, randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { launchBrowser, LIVE } from "./browser";

const baseUrl = inject("baseUrl");
const PHONE = { width: 412, height: 915 };

let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await context.close();
  await browser.close();
});

type Device = { id: number; endpoint: string; label: string };

/** The signed-in user's devices as the API lists them, asked through the page (its cookie, its origin). */
const listDevices = (page: Page) =>
  page.evaluate(async () => {
    const res = await fetch("/api/push/subscriptions");
    return ((await res.json()) as { devices: Device[] }).devices;
  });

async function openNotifications(page: Page) {
  await page.getByRole("button", { name: "My notifications" }).click();
  await page.getByRole("heading", { name: "My notifications" }).waitFor(LIVE);
}

test("at phone size: a test subscription is stored, listed after a reload, and removed", async () => {
  context = await browser.newContext({ viewport: PHONE, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/queue`);
  await page.getByLabel("E-mail").fill("staff@example.com");
  await page.getByLabel("Password").fill("demo-staff");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("status", { name: "Queue: Live" }).waitFor(LIVE);

  // Start from no devices, whatever another run left.
  for (const device of await listDevices(page)) {
    await page.evaluate((id) => fetch(`/api/push/subscriptions/${id}`, { method: "DELETE" }), device.id);
  }
  expect(await listDevices(page)).toEqual([]);

  await openNotifications(page);
  const list = page.getByRole("list", { name: "Devices that get notifications" });
  await expect.poll(() => list.getByRole("listitem").count()).toBe(0);

  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const subscription = {
    endpoint: `https://push.example.test/abc-${Date.now()}`,
    expirationTime: null,
    keys: {
      p256dh: ecdh.getPublicKey().toString("base64url"),
      auth: randomBytes(16).toString("base64url"),
    },
  };
  const stored = await page.evaluate(async (json) => {
    const res = await fetch("/api/push/subscriptions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(json),
    });
    return { status: res.status, body: (await res.json()) as { device: Device } };
  }, subscription);
  expect(stored.status).toBe(201);
  expect(stored.body.device.endpoint).toBe(subscription.endpoint);
  const label = stored.body.device.label;

  await page.reload();
  await page.getByRole("status", { name: "Queue: Live" }).waitFor(LIVE);
  await openNotifications(page);
  const row = list.getByRole("listitem");
  await expect.poll(() => row.count()).toBe(1);
  expect(await row.first().textContent()).toContain(label);
  // The page is no wider than the phone with the list open.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

  await page.getByRole("button", { name: `Remove ${label}` }).tap();
  await expect.poll(() => row.count()).toBe(0);
  expect(await listDevices(page)).toEqual([]);
});
