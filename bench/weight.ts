/**
 * Web app weight: `vite build`, then the gzipped size of the entry JavaScript and CSS (what
 * dist/client/index.html loads on every screen: its entry script, the entry's modulepreloads and stylesheets),
 * and of the first screen's JavaScript (every chunk Chromium requested for the first queue screen, until the
 * network is quiet: the entry, the queue page's chunks index.html preloads, and whatever the page loads
 * itself); the time from navigation to the first rendered queue row in headless Chromium against the local
 * server, next to navigating to an empty route in the same browser; and which API requests the first screen
 * made (none twice).
 *
 *   node bench/weight.ts
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Browser, type Page } from "playwright-core";
import { client, fmt, line } from "./lib/http.ts";
import { isMain, median } from "./lib/main.ts";
import { ensureBuilt, ROOT, startServer, type Server } from "./lib/server.ts";
import { signIn } from "./live.ts";

const RUNS = 7;
const DIST = path.join(ROOT, "dist/client");
/** The targets (issue 16): the first row within three empty navigations, the first screen's JS under 40 KiB. */
const MAX_RATIO = 3;
const MAX_FIRST_SCREEN_GZIP = 40 * 1024;

type Size = { raw: number; gzip: number; files: number };
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** Raw and gzip -9 bytes of built files, by their /assets/… paths. */
function sizeOf(refs: Iterable<string>): Size {
  const size = { raw: 0, gzip: 0, files: 0 };
  for (const ref of refs) {
    const bytes = readFileSync(path.join(DIST, ref));
    size.raw += bytes.length;
    size.gzip += gzipSync(bytes, { level: 9 }).length;
    size.files++;
  }
  return size;
}

/**
 * The assets index.html makes the browser fetch for every screen (lazy route chunks come later, on demand).
 * The queue page's chunks, which index.html also preloads, are marked `data-first-screen` (vite.config.ts)
 * and left out: they are counted with the first screen.
 */
export function initialAssets() {
  const html = readFileSync(path.join(DIST, "index.html"), "utf8");
  const tags = [...html.matchAll(/<(?:script|link)\b[^>]*>/g)].map(([tag]) => tag);
  const refs = (ext: "js" | "css") =>
    tags
      .filter((tag) => !tag.includes("data-first-screen"))
      .map((tag) => /\b(?:src|href)="(\/assets\/[^"]+)"/.exec(tag)?.[1])
      .filter((ref): ref is string => ref?.endsWith(`.${ext}`) ?? false);
  return { js: sizeOf(refs("js")), css: sizeOf(refs("css")) };
}

/** Milliseconds from navigation start, as the page measured them. */
type Phases = {
  html: number;
  scripts: number;
  bootstrapSent: number;
  bootstrapDone: number;
  row: number;
  longTaskMs: number;
  longestTask: number;
};

declare global {
  interface Window {
    benchLongTasks?: number[];
  }
}

/** Runs in the page before its own scripts: keeps every long task's duration. */
function watchLongTasks() {
  const tasks: number[] = (window.benchLongTasks = []);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push(entry.duration);
  }).observe({ type: "longtask" });
}

/** Runs in the page once the first row is there; evaluated there, so it uses nothing from this module. */
function phasesInPage(): Phases {
  const [nav] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
  const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
  const boot = resources.find((r) => new URL(r.name).pathname === "/api/bootstrap");
  const scripts = resources.filter((r) => r.initiatorType === "script" || r.name.endsWith(".js"));
  const tasks = window.benchLongTasks ?? [];
  return {
    html: nav?.responseEnd ?? 0,
    scripts: Math.max(0, ...scripts.map((r) => r.responseEnd)),
    bootstrapSent: boot?.startTime ?? 0,
    bootstrapDone: boot?.responseEnd ?? 0,
    row: performance.now(),
    longTaskMs: tasks.reduce((a, b) => a + b, 0),
    longestTask: Math.max(0, ...tasks),
  };
}

export type WeightResult = Awaited<ReturnType<typeof runWeight>>;

/** One PASS/MISS line per target, for bench/run.ts's "Against the targets" and for a run of this file alone. */
export function weightVerdicts(r: WeightResult) {
  const ratio = r.queueMs / r.emptyMs;
  return [
    {
      ok: ratio <= MAX_RATIO,
      text: `weight first rendered queue row ≤ ${MAX_RATIO} × empty navigation: ${ratio.toFixed(1)} × (${fmt(r.queueMs)} / ${fmt(r.emptyMs)} ms)`,
    },
    {
      ok: r.firstScreen.gzip < MAX_FIRST_SCREEN_GZIP,
      text: `weight first screen JS < ${kib(MAX_FIRST_SCREEN_GZIP)} gzip: ${kib(r.firstScreen.gzip)} (${r.firstScreen.files} files; entry JS ${kib(r.sizes.js.gzip)})`,
    },
    {
      ok: r.repeated.length === 0,
      text: `weight first screen fetches nothing twice: ${r.repeated.length === 0 ? "none" : r.repeated.join(", ")}`,
    },
  ];
}

export async function runWeight(server?: Server) {
  // Always a fresh build, so the sizes are of the code as it is now.
  ensureBuilt(true);
  const sizes = initialAssets();
  console.log("\n## Web app weight");
  line(
    `weight entry JS (${sizes.js.files} files) gzip -9`,
    `${kib(sizes.js.gzip)} (raw ${kib(sizes.js.raw)})`,
  );
  line(
    `weight entry CSS (${sizes.css.files} files) gzip -9`,
    `${kib(sizes.css.gzip)} (raw ${kib(sizes.css.raw)})`,
  );

  const own = server ?? (await startServer());
  // Launched inside the try: a browser that fails to start must still stop the server (a server left on
  // the port would answer the next bench's requests).
  let browser: Browser | undefined;
  try {
    const launched = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    browser = launched;
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
    /** What the last queue navigation requested: script files and API calls, in order. */
    let scripts: string[] = [];
    let apiCalls: string[] = [];
    const phases: Phases[] = [];
    const timeTo = async (url: string, ready: (p: Page) => Promise<unknown>, split = false) => {
      // A new context each run: cold HTTP cache, as a first visit of the day.
      const context = await launched.newContext({ viewport: { width: 1280, height: 800 } });
      // A __Host- cookie must be Secure with no Domain attribute: Chromium refuses it given as `url` on
      // http://, but takes it host-only by host and path (and sends it to 127.0.0.1, a trustworthy origin).
      const host = new URL(own.base).hostname;
      await context.addCookies([
        { name: name ?? "", value: value ?? "", domain: host, path: "/", secure: true },
      ]);
      const page = await context.newPage();
      // Main-thread tasks over 50 ms, from the first script on (the page's own clock, like the other phases).
      if (split) await page.addInitScript(watchLongTasks);
      const requested: URL[] = [];
      page.on("request", (request) => requested.push(new URL(request.url())));
      const started = performance.now();
      await page.goto(url);
      await ready(page);
      const ms = performance.now() - started;
      if (split) phases.push(await page.evaluate(phasesInPage));
      // After the clock stops: what the screen goes on to load (the live sockets' code, their catch-up)
      // is still the first screen's, so it counts in the weight, not in the time.
      await page.waitForLoadState("networkidle", { timeout: 10_000 }).catch(() => undefined);
      // Every same-origin script, public/first-screen.js too; not the service worker's, which is not the page's.
      scripts = requested
        .filter((u) => u.origin === new URL(own.base).origin && u.pathname.endsWith(".js"))
        .filter((u) => !/^\/sw[.-]/.test(u.pathname))
        .map((u) => u.pathname);
      apiCalls = requested
        .filter((u) => u.pathname.startsWith("/api/"))
        .map((u) => `${u.pathname}${u.search}`);
      await context.close();
      return ms;
    };
    const empty: number[] = [];
    const queue: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      empty.push(await timeTo(`${own.base}/bench/empty`, (p) => p.waitForLoadState("load")));
      queue.push(
        await timeTo(
          `${own.base}/queue`,
          (p) =>
            p
              .getByRole("list", { name: "Conversations" })
              .locator(".conv-row")
              .first()
              .waitFor({ timeout: 30_000 }),
          true,
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
    // Where the first row's time goes (the page's clock, from navigation start; medians of the same runs).
    const at = (key: keyof Phases) => fmt(median(phases.slice(1).map((p) => p[key])));
    line(
      "weight first row, where the time goes (page clock)",
      `HTML ${at("html")} ms, scripts loaded ${at("scripts")} ms, bootstrap sent ${at("bootstrapSent")} → answered ${at("bootstrapDone")} ms, row seen ${at("row")} ms; long tasks ${at("longTaskMs")} ms in all (longest ${at("longestTask")} ms)`,
    );
    const firstScreen = sizeOf(new Set(scripts));
    line(
      `weight first screen JS (${firstScreen.files} files) gzip -9`,
      `${kib(firstScreen.gzip)} (raw ${kib(firstScreen.raw)}), as Chromium requested it; entry JS ${kib(sizes.js.gzip)}`,
    );
    const times = new Map<string, number>();
    for (const call of [...scripts, ...apiCalls]) times.set(call, (times.get(call) ?? 0) + 1);
    const repeated = [...times].filter(([, n]) => n > 1).map(([call, n]) => `${call} × ${n}`);
    line(`weight first screen API requests (${apiCalls.length})`, apiCalls.join(", "));
    return { sizes, firstScreen, emptyMs: e, queueMs: q, apiCalls, repeated };
  } finally {
    await browser?.close();
    if (!server) own.stop();
  }
}

if (isMain(import.meta.url)) {
  const r = await runWeight();
  console.log("\n## Against the targets");
  for (const v of weightVerdicts(r)) console.log(`${v.ok ? "PASS" : "MISS"}  ${v.text}`);
}
