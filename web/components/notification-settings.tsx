import { createSignal, Show } from "solid-js";
import { api, call, messageOf } from "../lib/api";
import { askPermission, canAskPermission } from "../lib/notifications";
import { loadSession, session } from "../lib/session";
import { CheckboxField } from "./ui/CheckboxField";
import { Alert } from "./ui/Alert";
import { PushDevices } from "./push-devices";

/**
 * "My notifications": each user's own switches, within what the admin granted (SMS Reply Alert, SMS Reply
 * Sound), and the browser's permission for system notifications, asked only when this button is pressed.
 */
export function NotificationSettings() {
  const [error, setError] = createSignal<string | null>(null);
  const [canAsk, setCanAsk] = createSignal(canAskPermission());
  const user = () => session.me?.user;

  async function save(change: { muteAlerts?: boolean; muteSound?: boolean }) {
    setError(null);
    try {
      await call(api.api.auth.preferences.$patch({ json: change }));
      await loadSession();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <div class="card notification-settings" role="group" aria-labelledby="my-notifications-title">
      <h2 id="my-notifications-title">My notifications</h2>
      <CheckboxField
        label="Show a pop-up when a text arrives"
        checked={Boolean(user()?.smsReplyAlert && !user()?.muteAlerts)}
        disabled={!user()?.smsReplyAlert}
        hint={user()?.smsReplyAlert ? undefined : "Turned off for you by an admin (SMS Reply Alert)."}
        onValue={(on) => void save({ muteAlerts: !on })}
      />
      <CheckboxField
        label="Play a chime when a text arrives"
        checked={Boolean(user()?.smsReplySound && !user()?.muteSound)}
        disabled={!user()?.smsReplySound}
        hint={user()?.smsReplySound ? undefined : "Turned off for you by an admin (SMS Reply Sound)."}
        onValue={(on) => void save({ muteSound: !on })}
      />
      <Show
        when={canAsk()}
        fallback={
          <p class="hint">
            {typeof Notification !== "undefined" && Notification.permission === "granted"
              ? "Desktop notifications are on while this tab is in the background."
              : "Desktop notifications are off in this browser's site settings."}
          </p>
        }
      >
        <button
          type="button"
          class="button small"
          onClick={() => void askPermission().then(() => setCanAsk(canAskPermission()))}
        >
          Allow desktop notifications
        </button>
      </Show>
      <Alert message={error()} />
      <PushDevices />
    </div>
  );
}
