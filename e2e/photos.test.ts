/**
 * Photos both ways in Chromium, at desktop size and on a phone (390×844): a patient's photo sent through the
 * simulator appears in the thread as a thumbnail (after the worker copies it into R2) and opens in the
 * viewer; staff attach a PNG, see its preview, send it, and the simulator phone shows the picture.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject, test } from "vitest";
import { MAIN, rowButton } from "./app";
import { launchBrowser, LIVE } from "./browser";

const baseUrl = inject("baseUrl");

/** A real 1×1 PNG: the worker checks the bytes against the type, so a fake one would be refused. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

const SIZES = [
  { label: "desktop", viewport: { width: 1280, height: 800 }, phone: "+15550141401", name: "(555) 014-1401" },
  { label: "phone", viewport: { width: 390, height: 844 }, phone: "+15550141402", name: "(555) 014-1402" },
] as const;

let browser: Browser;
let contexts: BrowserContext[] = [];

async function signIn(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, hasTouch: viewport.width < 768 });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/queue`);
  await page.getByLabel("E-mail").fill("admin@example.com");
  await page.getByLabel("Password").fill("demo-admin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Clinic number").waitFor();
  await page.getByRole("status", { name: "Queue: Live" }).waitFor(LIVE);
  return page;
}

/** The patient texts a photo (and words) through the simulator, as its phone page does. */
async function textAPhoto(from: string, body: string) {
  const response = await fetch(`${baseUrl}/api/simulator/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      from,
      to: MAIN,
      body,
      media: [{ contentType: "image/png", data: PNG.toString("base64") }],
    }),
  });
  expect(response.status).toBe(201);
}

/** Whether an image element finished loading real pixels (not a broken image). */
/** Whether the image (the last match: the newest in a thread) has loaded. */
const loaded = (page: Page, selector: string) =>
  page
    .locator(selector)
    .last()
    .evaluate((img) => img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0)
    .catch(() => false);

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

for (const size of SIZES) {
  test(`${size.label}: a patient's photo shows as a thumbnail and opens in the viewer`, async () => {
    const page = await signIn(size.viewport);
    await textAPhoto(size.phone, "My insurance card");
    await rowButton(page, size.name).click(LIVE);

    const log = page.getByRole("log", { name: `Messages with ${size.name}` });
    await log.getByText("My insurance card").waitFor(LIVE);
    // Pending until the copy lands in R2, then the same message comes again, stored. The phone's other
    // test may have texted a photo before this one: this text's is the newest, the last in the thread.
    const thumb = log.getByRole("button", { name: "Photo from the patient" }).last();
    await thumb.waitFor(LIVE);
    await expect.poll(() => loaded(page, ".media-thumb img"), LIVE).toBe(true);

    await thumb.click();
    const viewer = page.getByRole("dialog", { name: "Photo from the patient" });
    await viewer.waitFor(LIVE);
    await expect.poll(() => loaded(page, ".media-full"), LIVE).toBe(true);
    expect(await viewer.getByRole("link", { name: "Download" }).getAttribute("href")).toMatch(
      /^\/api\/media\/\d+\/0\?download=1$/,
    );
    expect(
      await viewer.getByRole("button", { name: "Close" }).evaluate((b) => b === document.activeElement),
    ).toBe(true);
    await page.keyboard.press("Escape");
    await viewer.waitFor({ state: "detached", ...LIVE });
    expect(await thumb.evaluate((b) => b === document.activeElement)).toBe(true);

    // The file is served only through the worker, with the type it really is.
    const src = await thumb.locator("img").getAttribute("src");
    const served = await page.evaluate(async (url) => {
      const r = await fetch(url ?? "");
      return {
        status: r.status,
        type: r.headers.get("content-type"),
        nosniff: r.headers.get("x-content-type-options"),
      };
    }, src);
    expect(served).toEqual({ status: 200, type: "image/png", nosniff: "nosniff" });
  });

  test(`${size.label}: staff attach a PNG, see its preview, send it, and the phone shows it`, async () => {
    const page = await signIn(size.viewport);
    // A conversation to reply in: the patient texts first.
    await textAPhoto(size.phone, "Can you send the exercise chart?");
    await rowButton(page, size.name).click(LIVE);

    const chooser = page.waitForEvent("filechooser", LIVE);
    await page.getByRole("button", { name: "Attach photo" }).click();
    await (await chooser).setFiles({ name: "chart.png", mimeType: "image/png", buffer: PNG });
    const preview = page.getByRole("img", { name: "Attached photo 1 of 1: chart.png" });
    await preview.waitFor(LIVE);
    await page.getByText(/· MMS · 1 photo$/).waitFor(LIVE);

    await page.getByLabel(`Reply to ${size.name}`).fill("Here is the chart");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await preview.waitFor({ state: "detached", ...LIVE });
    const log = page.getByRole("log", { name: `Messages with ${size.name}` });
    await log.getByText("Here is the chart").waitFor(LIVE);
    await log.getByRole("button", { name: "Photo from the clinic" }).waitFor(LIVE);

    // The patient's phone, signed out (its own context): the clinic's picture, loaded.
    const phoneContext = await browser.newContext({ viewport: size.viewport });
    contexts.push(phoneContext);
    const phone = await phoneContext.newPage();
    await phone.goto(`${baseUrl}/simulator`);
    await phone.getByLabel("Clinic number").selectOption(MAIN);
    await phone.getByLabel("This phone's number").fill(size.phone);
    const screen = phone.getByRole("region", { name: "Phone screen" });
    await screen.getByText("Here is the chart").waitFor(LIVE);
    await expect.poll(() => loaded(phone, '[data-direction="out"] img.sim-media'), LIVE).toBe(true);
    // And the patient's own picture, the other way.
    await expect.poll(() => loaded(phone, '[data-direction="in"] img.sim-media'), LIVE).toBe(true);
  });
}
