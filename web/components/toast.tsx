import { For } from "solid-js";
import { dismissToast, TOAST_TEXT, TOAST_TITLE, toasts } from "../lib/notifications";

/** Bottom right, as the front desk knows it; clicking a toast opens that conversation. */
export function ToastRegion(props: { onOpen: (numberId: number, conversationId: number) => void }) {
  return (
    <div class="toasts" role="status" aria-live="polite" aria-label="Notifications">
      <For each={toasts()}>
        {(toast) => (
          <div class="toast">
            <button
              type="button"
              class="toast-open"
              onClick={() => {
                dismissToast(toast.key);
                props.onOpen(toast.numberId, toast.conversationId);
              }}
            >
              {toast.text ?? (
                <>
                  <strong>{TOAST_TITLE}</strong> {TOAST_TEXT}
                </>
              )}
            </button>
            <button
              type="button"
              class="toast-close"
              aria-label="Dismiss notification"
              onClick={() => dismissToast(toast.key)}
            >
              ✕
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
