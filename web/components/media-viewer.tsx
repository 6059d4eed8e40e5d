import { createSignal, onCleanup, onMount, Show } from "solid-js";
import { Portal } from "solid-js/web";
import { downloadUrl } from "../lib/media";

export type ViewerImage = { url: string; alt: string; fileName: string };

type Props = {
  images: ViewerImage[];
  /** Which image opens first. */
  start: number;
  onClose: () => void;
  /** Where focus goes on close; by default whatever had it on open (Safari does not focus a clicked button). */
  returnTo?: HTMLElement | null;
};

const FOCUSABLE = 'a[href], button:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * One message's photos full size, as a modal dialog (WAI-ARIA APG "Dialog (Modal)"): focus moves to **Close**
 * and stays inside while it is open, Escape closes it, ← and → move between the message's photos, and focus
 * goes back to whatever opened it (the thumbnail). **Download** is a link to the worker's attachment answer,
 * so the browser saves the file under the worker's safe name without the page ever reading its bytes.
 */
export function MediaViewer(props: Props) {
  const [index, setIndex] = createSignal(Math.min(Math.max(props.start, 0), props.images.length - 1));
  const image = () => props.images[index()];
  const many = () => props.images.length > 1;
  let dialog: HTMLDivElement | undefined;
  let close: HTMLButtonElement | undefined;
  // The opener, read before focus moves into the dialog.
  const opener =
    props.returnTo ?? (document.activeElement instanceof HTMLElement ? document.activeElement : null);

  onMount(() => close?.focus());
  onCleanup(() => {
    if (opener?.isConnected) opener.focus();
  });

  const step = (by: number) => {
    const n = props.images.length;
    setIndex((i) => (i + by + n) % n);
  };

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      props.onClose();
    } else if (event.key === "ArrowRight" && many()) {
      event.preventDefault();
      step(1);
    } else if (event.key === "ArrowLeft" && many()) {
      event.preventDefault();
      step(-1);
    } else if (event.key === "Tab" && dialog) {
      // Keep Tab inside: from the last control back to the first, and Shift+Tab the other way.
      const controls = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const first = controls[0];
      const last = controls.at(-1);
      if (!first || !last) return;
      const active = document.activeElement;
      if (event.shiftKey && (active === first || !dialog.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
        event.preventDefault();
        first.focus();
      }
    }
  }

  return (
    <Portal>
      <div
        class="media-backdrop"
        onClick={(e) => {
          if (e.target === e.currentTarget) props.onClose();
        }}
      >
        <div
          ref={dialog}
          class="media-viewer"
          role="dialog"
          aria-modal="true"
          aria-label={image()?.alt ?? "Photo"}
          onKeyDown={onKeyDown}
        >
          <Show when={image()}>
            {(shown) => (
              <>
                <div class="media-viewer-bar">
                  <p class="media-viewer-title" aria-live="polite">
                    {shown().alt}
                  </p>
                  <a class="button small" href={downloadUrl(shown().url)} download={shown().fileName}>
                    Download
                  </a>
                  <button ref={close} type="button" class="button small" onClick={() => props.onClose()}>
                    Close
                  </button>
                </div>
                <div class="media-viewer-stage">
                  <Show when={many()}>
                    <button type="button" class="button media-step" onClick={() => step(-1)}>
                      <span aria-hidden="true">← </span>Previous
                    </button>
                  </Show>
                  <img class="media-full" src={shown().url} alt={shown().alt} />
                  <Show when={many()}>
                    <button type="button" class="button media-step" onClick={() => step(1)}>
                      Next<span aria-hidden="true"> →</span>
                    </button>
                  </Show>
                </div>
              </>
            )}
          </Show>
        </div>
      </div>
    </Portal>
  );
}
