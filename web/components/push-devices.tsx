import { createResource, createSignal, For, Show } from "solid-js";
import { api, call, messageOf } from "../lib/api";
import { currentEndpoint, notifyThisDevice, pushSupported, PushSetupError } from "../lib/web-push";
import { Alert } from "./ui/Alert";

/**
 * "Notify this device" and the user's devices that get a push when a text arrives (Web Push). A push says
 * only "New text on <number>" and the practice name: a phone's lock screen is public.
 */
export function PushDevices() {
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [devices, { refetch }] = createResource(async () => {
    const [{ devices: list }, mine] = await Promise.all([
      call(api.api.push.subscriptions.$get()),
      currentEndpoint().catch(() => null),
    ]);
    return list.map((d) => ({ ...d, thisDevice: d.endpoint === mine }));
  });

  async function run(step: () => Promise<unknown>) {
    setError(null);
    setBusy(true);
    try {
      await step();
      await refetch();
    } catch (err) {
      setError(err instanceof PushSetupError ? err.message : messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="push-devices" role="group" aria-labelledby="push-devices-title">
      <h3 id="push-devices-title">Phone and browser notifications</h3>
      <p class="hint">
        A notification says only which number got a text and the practice name, never who wrote or what.
      </p>
      <Show when={pushSupported()} fallback={<p class="hint">This browser cannot receive notifications.</p>}>
        <button
          type="button"
          class="button small"
          disabled={busy()}
          onClick={() => void run(notifyThisDevice)}
        >
          Notify this device
        </button>
      </Show>
      <ul class="push-device-list" aria-label="Devices that get notifications">
        <For each={devices() ?? []}>
          {(device) => (
            <li>
              <span>
                {device.label || "Browser"}
                {device.thisDevice ? " (this device)" : ""}
                {device.failingSince ? " (not reachable lately)" : ""}
              </span>{" "}
              <button
                type="button"
                class="button small"
                disabled={busy()}
                aria-label={`Remove ${device.label || "Browser"}`}
                onClick={() =>
                  void run(() =>
                    call(api.api.push.subscriptions[":id"].$delete({ param: { id: String(device.id) } })),
                  )
                }
              >
                Remove
              </button>
            </li>
          )}
        </For>
      </ul>
      <Alert message={error()} />
    </div>
  );
}
