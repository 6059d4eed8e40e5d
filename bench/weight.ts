/**
 * Web app weight: `vite build`, then the gzipped size of the initial JavaScript and CSS (what
 * dist/client/index.html loads before anything else: its entry script, modulepreloads and stylesheets), and
 * the time from navigation to the first rendered queue row in headless Chromium against the local server,
 * next to navigating to an empty route in the same browser.
 *
 *   node bench/weight.ts
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Page } from "playwright-core";
import { client, fmt, line } from "./lib/http.ts";
import { isMain, median } from "./lib/main.ts";
import { ensureBuilt, ROOT, startServer, type Server } from "./lib/server.ts";
import { signIn } from "./live.ts";

const RUNS = 7;
const DIST = path.join(ROOT, "dist/client");

/** The assets index.html makes the browser fetch up front (lazy route chunks come later, on demand). */
export function initialAssets() {
  const html = readFileSync(path.join(DIST, "index.html"), "utf8");
  const refs = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="(\/assets\/[^"]+\.(js|css))"/g)];
  const sizes = { js: { raw: 0, gzip: 0, files: 0 }, css: { raw: 0, gzip: 0, files: 0 } };
  for (const [, ref, ext] of refs) {
    if (!ref || (ext !== "js" && ext !== "css")) continue;
    const bytes = readFileSync(path.join(DIST, ref));
    sizes[ext].raw += bytes.length;
    sizes[ext].gzip += gzipSync(bytes, { level: 9 }).length;
    sizes[ext].files++;
  }
  return sizes;
}

export async function runWeight(server?: Server) {
  // Always a fresh build, so the sizes are of the code as it is now.
  ensureBuilt(true);
  const sizes = initialAssets();
  console.log("\n## Web app weight");
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  line(
    `weight initial JS (${sizes.js.files} files) gzip -9`,
    `${kib(sizes.js.gzip)} (raw ${kib(sizes.js.raw)})`,
  );
  line(
    `weight initial CSS (${sizes.css.files} files) gzip -9`,
    `${kib(sizes.css.gzip)} (raw ${kib(sizes.css.raw)})`,
  );

  const own = server ?? (await startServer());
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const { cookie } = await signIn(own.base);
    // A queue with something in it on the number the page opens first.
    const http = client(own.base, 4);
    for (let i = 0; i < 30; i++) {
      await http.send({
        method: "POST",
        path: "/api/simulator/messages",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          from: `+1555008${String(i).padStart(4, "0")}`,
          to: "+15551230001",
          body: `Hello ${i}`,
        }),
      });
    }
    http.close();
    const [name, value] = cookie.split("=");
    const timeTo = async (url: string, ready: (p: Page) => Promise<unknown>) => {
      // A new context each run: cold HTTP cache, as a first visit of the day.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies([{ name: name ?? "", value: value ?? "", url: own.base }]);
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(url);
      await ready(page);
      const ms = performance.now() - started;
      await context.close();
      return ms;
    };
    const empty: number[] = [];
    const queue: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      empty.push(await timeTo(`${own.base}/bench/empty`, (p) => p.waitForLoadState("load")));
      queue.push(
        await timeTo(`${own.base}/queue`, (p) =>
          p
            .getByRole("list", { name: "Conversations" })
            .locator(".conv-row")
            .first()
            .waitFor({ timeout: 30_000 }),
        ),
      );
    }
    const e = median(empty.slice(1));
    const q = median(queue.slice(1));
    line(
      "weight navigate to an empty route (baseline)",
      `${fmt(e)} ms (median of ${RUNS - 1} after a warm-up)`,
    );
    line("weight navigate to first rendered queue row", `${fmt(q)} ms (cold cache, signed in)`, {
      to: "empty navigation",
      value: q / e,
    });
    return { sizes, emptyMs: e, queueMs: q };
  } finally {
    await browser.close();
    if (!server) own.stop();
  }
}

if (isMain(import.meta.url)) await runWeight();
