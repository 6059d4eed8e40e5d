/**
 * Textdesk's service worker: makes the app installable and opens it offline to a clear "You are offline"
 * screen instead of a blank page. It keeps only the app's own static files, never anything with patient
 * data in it:
 * - /api/*, /webhooks/* and /healthz, and every request that is not a GET, go straight to the network and
 *   are never stored (API answers hold PHI, and they say `Cache-Control: no-store` too);
 * - page loads (navigations) are network-first, so a new deployment's index.html, and with it the new hashed
 *   assets, loads on the next open; only when the network fails is the cached offline page shown;
 * - hashed build assets (/assets/*, immutable by name) and the offline page with its icons are served from
 *   the cache. In `vite dev` there are no /assets/*: the modules always come from the dev server.
 *
 * The cache is named after the build (web/lib/service-worker.ts registers /sw.js?build=<id>), so a deployment
 * installs a new worker, which takes over at once and deletes the previous build's cache.
 */

const BUILD = new URL(self.location.href).searchParams.get("build") || "dev";
const CACHE_PREFIX = "textdesk-shell-";
const CACHE = `${CACHE_PREFIX}${BUILD}`;
const OFFLINE_URL = "/offline.html";
/** The offline page and what it and the install prompt show; the build's entry assets are added at install. */
const PRECACHE = [
  OFFLINE_URL,
  "/favicon.svg",
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
  "/icons/apple-touch-icon.png",
];
/** Never answered from, nor written to, the cache. */
const NETWORK_ONLY = ["/api/", "/webhooks/", "/healthz"];

const isNetworkOnly = (pathname) => NETWORK_ONLY.some((prefix) => pathname.startsWith(prefix));
const isHashedAsset = (pathname) => pathname.startsWith("/assets/");

/**
 * The built index.html names the entry script and stylesheet (/assets/index-<hash>.js|css): cache those so
 * the next open starts from disk. index.html itself is not kept: a cached copy is exactly the stale shell a
 * new deployment must replace, and offline it would boot an app with nothing to show.
 */
async function entryAssets() {
  const response = await fetch("/", { cache: "no-store" });
  if (!response.ok) return [];
  const html = await response.text();
  const found = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  return [...new Set(found)];
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload`: fetched fresh from the server, not from the browser's HTTP cache of an older build.
      await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" })));
      await cache.addAll(await entryAssets());
      // Take over from the previous build's worker without waiting for every tab to close.
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

async function navigate(request) {
  try {
    return await fetch(request);
  } catch {
    // Only a network failure lands here (a 500 is still the server's answer): show the offline screen.
    const offline = await caches.match(OFFLINE_URL, { cacheName: CACHE });
    if (!offline) return Response.error();
    // Deployed, the assets server answers /offline.html with a redirect to /offline (html_handling), so the
    // cached copy is marked redirected, and a navigation answered with a redirected response fails: a copy.
    return new Response(offline.body, { status: 200, headers: offline.headers });
  }
}

async function cacheFirst(request, pathname) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  // Lazily loaded route chunks join the cache on first use; only our own successful answers are kept.
  if (isHashedAsset(pathname) && response.ok && response.type === "basic") {
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  // Not calling respondWith leaves the request to the browser, exactly as if there were no service worker.
  if (request.method !== "GET" || url.origin !== self.location.origin || isNetworkOnly(url.pathname)) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (isHashedAsset(url.pathname) || PRECACHE.includes(url.pathname)) {
    event.respondWith(cacheFirst(request, url.pathname));
  }
});

/* ---------------------------------------------------------------------------------------------------------
 * Web Push: the `push` and `notificationclick` listeners live in their own file, kept out of the fetch
 * handler above; notifications carry no PHI (lock screens are public), see worker/push/notify.ts.
 * ------------------------------------------------------------------------------------------------------- */
importScripts("/sw-push.js");
