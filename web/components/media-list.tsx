import { createMemo, createSignal, For, Match, Show, Switch } from "solid-js";
import { isImageType, type MessageMedia } from "../../worker/shared/media";
import { chipLabel, downloadUrl } from "../lib/media";
import { MediaViewer, type ViewerImage } from "./media-viewer";

type Props = {
  media: MessageMedia[];
  /** Whose photos, for the alt text: "the patient" or "the clinic". Never a name: alt text is read aloud. */
  from: string;
};

const LOADING = "Photo still loading";
const FAILED = "Photo could not be retrieved";

/**
 * A message's photos and files under its text, in the carrier's order: a stored image is a thumbnail that opens
 * the viewer, any other type a chip with its type, size and **Download**. A file still being copied from the
 * carrier, or one that could not be, says so in words instead of showing a broken image.
 */
export function MediaList(props: Props) {
  const ordered = createMemo(() => [...props.media].sort((a, b) => a.n - b.n));
  const images = createMemo(() => ordered().filter((m) => isImageType(m.contentType)));
  /** "Photo 1 of 2 from the patient": the position among the message's pictures. */
  const alt = (m: MessageMedia) =>
    images().length > 1
      ? `Photo ${images().indexOf(m) + 1} of ${images().length} from ${props.from}`
      : `Photo from ${props.from}`;
  /** What the viewer steps through: the pictures that can be shown. */
  const viewable = createMemo((): (ViewerImage & { n: number })[] =>
    images().flatMap((m) =>
      m.state === "stored" && m.url ? [{ n: m.n, url: m.url, alt: alt(m), fileName: m.fileName }] : [],
    ),
  );
  const [open, setOpen] = createSignal<number | null>(null);
  let opener: HTMLElement | null = null;

  return (
    <Show when={ordered().length > 0}>
      <ul class="media-list" aria-label="Photos and files">
        <For each={ordered()}>
          {(m) => (
            <li class="media-item">
              <Switch>
                <Match when={m.state === "failed"}>
                  <p class="media-placeholder media-failed">{m.note ?? FAILED}</p>
                </Match>
                <Match when={m.state === "pending" || !m.url}>
                  <p class="media-placeholder">
                    {isImageType(m.contentType) ? LOADING : "File still loading"}
                  </p>
                </Match>
                <Match when={isImageType(m.contentType) && m.url}>
                  {(url) => (
                    <button
                      type="button"
                      class="media-thumb"
                      onClick={(e) => {
                        opener = e.currentTarget;
                        setOpen(viewable().findIndex((v) => v.n === m.n));
                      }}
                    >
                      <img src={url()} alt={alt(m)} loading="lazy" decoding="async" />
                    </button>
                  )}
                </Match>
                <Match when={m.url}>
                  {(url) => (
                    <p class="media-chip">
                      <span>{chipLabel(m)}</span>
                      <a
                        class="button small"
                        href={downloadUrl(url())}
                        download={m.fileName}
                        aria-label={`Download ${m.fileName}`}
                      >
                        Download
                      </a>
                    </p>
                  )}
                </Match>
              </Switch>
            </li>
          )}
        </For>
      </ul>
      <Show when={open() !== null && viewable().length > 0}>
        <MediaViewer
          images={viewable()}
          start={open() ?? 0}
          returnTo={opener}
          onClose={() => setOpen(null)}
        />
      </Show>
    </Show>
  );
}
