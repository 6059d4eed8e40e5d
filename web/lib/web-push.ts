/**
 * "Notify this device": the browser side of Web Push. Asks the permission, subscribes with the server's VAPID
 * public key through the page's service worker, and hands the standard PushSubscription JSON to the server.
 * What a push shows and where a tap goes: public/sw-push.js.
 */
import { api, call } from "./api";

/** Whether this browser can get pushes at all (service worker + Push API + notifications). */
export function pushSupported(): boolean {
  return (
    typeof navigator !== "undefined" &&
    "serviceWorker" in navigator &&
    typeof window !== "undefined" &&
    "PushManager" in window &&
    typeof Notification !== "undefined"
  );
}

/** The service worker's registration, if the page has one (the app's service worker registers itself). */
export async function pushRegistration(): Promise<ServiceWorkerRegistration | undefined> {
  if (!pushSupported()) return undefined;
  return navigator.serviceWorker.getRegistration();
}

/** This browser's current subscription's endpoint, to mark "This device" in the list. */
export async function currentEndpoint(): Promise<string | null> {
  const registration = await pushRegistration();
  const subscription = await registration?.pushManager.getSubscription();
  return subscription?.endpoint ?? null;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64url.replaceAll("-", "+").replaceAll("_", "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export class PushSetupError extends Error {}

/** Subscribes this browser and stores the subscription; throws a PushSetupError with a sentence to show. */
export async function notifyThisDevice(): Promise<void> {
  const registration = await pushRegistration();
  if (!registration) throw new PushSetupError("This browser cannot receive notifications.");
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    throw new PushSetupError("Notifications are blocked for this site in the browser's settings.");
  }
  const { publicKey } = await call(api.api.push["vapid-public-key"].$get());
  const ready = await navigator.serviceWorker.ready;
  const subscription = await ready.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(publicKey),
  });
  const json = subscription.toJSON();
  await call(
    api.api.push.subscriptions.$post({
      json: {
        endpoint: subscription.endpoint,
        expirationTime: subscription.expirationTime,
        keys: { p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" },
      },
    }),
  );
}
