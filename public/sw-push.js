/*
 * Web Push in the service worker: imported by the app's service worker with
 *   importScripts("/sw-push.js");
 * A push carries only { title, body, url } (worker/push/notify.ts): which number got a text and the practice
 * name, never the patient's name, phone or words, since a phone's lock screen is public.
 */
/* global self, clients */

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    // Not ours or mangled: still show something, since a push must always show a notification.
  }
  const title = typeof data.title === "string" ? data.title : "New text";
  const url = typeof data.url === "string" && data.url.startsWith("/") ? data.url : "/queue";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof data.body === "string" ? data.body : "",
      icon: "/favicon.svg",
      // One notification per conversation: a second text replaces the first instead of stacking.
      tag: url,
      renotify: true,
      data: { url },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url ?? "/queue", self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await clients.matchAll({ type: "window", includeUncontrolled: true });
      // An open app goes to the conversation; otherwise a new window, which signs in first if the session ended.
      for (const client of windows) {
        if (new URL(client.url).origin === self.location.origin && "navigate" in client) {
          await client.focus();
          await client.navigate(url);
          return;
        }
      }
      await clients.openWindow(url);
    })(),
  );
});
