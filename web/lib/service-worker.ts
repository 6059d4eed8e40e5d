/**
 * Registers public/sw.js: the installed app's offline screen and its cache of static files (never /api).
 * The build id in the script's URL names the worker's cache, so each deployment installs a fresh worker that
 * replaces the last one and its cache (vite.config.ts defines VITE_TEXTDESK_BUILD per build and dev start).
 */
export function registerServiceWorker(): void {
  // Browsers only run service workers in secure contexts (https, or localhost in development).
  if (!window.isSecureContext || !("serviceWorker" in navigator)) return;
  const build: unknown = import.meta.env.VITE_TEXTDESK_BUILD;
  const url = `/sw.js?build=${encodeURIComponent(typeof build === "string" ? build : "dev")}`;
  navigator.serviceWorker.register(url, { scope: "/" }).catch((error: unknown) => {
    // The app works without it (only install and the offline screen are lost): say so, do not break the page.
    console.warn("Service worker registration failed:", error);
  });
}
