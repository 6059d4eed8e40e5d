/**
 * Photos attached to a reply before it is sent: **Attach photo** (the file picker), drag-and-drop onto the
 * composer and pasted images all go through `add`, which refuses what the worker would refuse (type, size,
 * count) with a message naming the file. Previews are object URLs, released on Remove, on send and when the
 * composer goes away, so a long day at the front desk does not keep every photo in memory.
 */
import { createSignal, createUniqueId, For, onCleanup, Show } from "solid-js";
import { UPLOAD_MAX_FILES } from "../../worker/shared/media";
import { ApiError } from "../lib/api";
import { tooManyFiles, UPLOAD_ACCEPT, uploadFile, uploadRefusal } from "../lib/media";

export type Attachment = {
  key: string;
  file: File;
  preview: string;
  /** Set once the worker stored it, so Send again after a failed send does not upload it twice. */
  upload: { conversationId: number; id: string } | null;
};

export type Attachments = ReturnType<typeof createAttachments>;

/** `enabled`: whether drops and pastes are taken now (not on an internal note). */
export function createAttachments(enabled: () => boolean) {
  const [files, setFiles] = createSignal<Attachment[]>([]);
  const [refusals, setRefusals] = createSignal<string[]>([]);
  const [dragging, setDragging] = createSignal(false);

  function add(list: Iterable<File>) {
    const refused: string[] = [];
    const added: Attachment[] = [];
    for (const file of list) {
      const problem = uploadRefusal(file);
      if (problem) refused.push(problem);
      else if (files().length + added.length >= UPLOAD_MAX_FILES) refused.push(tooManyFiles(file.name));
      else added.push({ key: crypto.randomUUID(), file, preview: URL.createObjectURL(file), upload: null });
    }
    setRefusals(refused);
    if (added.length > 0) setFiles((current) => [...current, ...added]);
  }

  function remove(key: string) {
    const gone = files().find((a) => a.key === key);
    if (gone) URL.revokeObjectURL(gone.preview);
    setFiles((current) => current.filter((a) => a.key !== key));
    setRefusals([]);
  }

  function clear() {
    for (const a of files()) URL.revokeObjectURL(a.preview);
    setFiles([]);
    setRefusals([]);
  }
  onCleanup(clear);

  /**
   * Uploads every file not yet stored for this conversation, one at a time (a phone on a slow line sends one
   * photo well rather than five badly), and answers their upload ids in order. A failure names the file.
   */
  async function upload(conversationId: number, progress: (done: number, total: number) => void) {
    const list = files();
    const ids: string[] = [];
    for (const [i, attachment] of list.entries()) {
      progress(i, list.length);
      const stored = attachment.upload;
      if (stored?.conversationId === conversationId) {
        ids.push(stored.id);
        continue;
      }
      try {
        const { id } = await uploadFile(conversationId, attachment.file);
        attachment.upload = { conversationId, id };
        ids.push(id);
      } catch (error) {
        const why = error instanceof ApiError ? error.message : "Something went wrong.";
        throw new ApiError(
          error instanceof ApiError ? error.status : 0,
          error instanceof ApiError ? error.code : "upload_failed",
          `${attachment.file.name} was not uploaded: ${why}`,
          null,
        );
      }
    }
    progress(list.length, list.length);
    return ids;
  }

  const hasFiles = (event: DragEvent) => enabled() && event.dataTransfer?.types.includes("Files") === true;

  /** Handlers for the element that takes drops and pastes (the composer's form). */
  const target = {
    onDragOver(event: DragEvent) {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDragging(true);
    },
    onDragLeave(event: DragEvent) {
      // Leaving for a child of the composer is not leaving the composer.
      const to = event.relatedTarget;
      if (
        !(to instanceof Node) ||
        !(event.currentTarget instanceof Node) ||
        !event.currentTarget.contains(to)
      ) {
        setDragging(false);
      }
    },
    onDrop(event: DragEvent) {
      setDragging(false);
      const dropped = event.dataTransfer?.files;
      if (!enabled() || !dropped || dropped.length === 0) return;
      event.preventDefault();
      add(dropped);
    },
    onPaste(event: ClipboardEvent) {
      // Pasted text stays text; only a pasted file (a screenshot, a copied photo) is attached.
      const pasted = event.clipboardData?.files;
      if (!enabled() || !pasted || pasted.length === 0) return;
      event.preventDefault();
      add(pasted);
    },
  };

  return { files, refusals, dragging, add, remove, clear, upload, target };
}

/** **Attach photo**: a button that opens the picker (a hidden file input), for the composer's foot. */
export function AttachPhotoButton(props: { attachments: Attachments; disabled: boolean }) {
  const id = createUniqueId();
  let input: HTMLInputElement | undefined;
  const full = () => props.attachments.files().length >= UPLOAD_MAX_FILES;
  return (
    <>
      <input
        ref={input}
        id={id}
        type="file"
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        accept={UPLOAD_ACCEPT}
        multiple
        onChange={(e) => {
          const picked = e.currentTarget.files;
          if (picked) props.attachments.add(picked);
          // Picking the same file again after Remove must fire change again.
          e.currentTarget.value = "";
        }}
      />
      <button
        type="button"
        class="button small"
        disabled={props.disabled || full()}
        title={full() ? `A text may carry at most ${UPLOAD_MAX_FILES} photos.` : undefined}
        onClick={() => input?.click()}
      >
        Attach photo
      </button>
    </>
  );
}

/** The attached photos' previews with **Remove**, and why any file was refused. */
export function AttachedPhotos(props: { attachments: Attachments; disabled: boolean }) {
  const files = () => props.attachments.files();
  return (
    <>
      <Show when={props.attachments.refusals().length > 0}>
        <ul class="attach-refusals" role="alert">
          <For each={props.attachments.refusals()}>{(why) => <li>{why}</li>}</For>
        </ul>
      </Show>
      <Show when={files().length > 0}>
        <ul class="attach-previews" aria-label="Attached photos">
          <For each={files()}>
            {(a, i) => (
              <li class="attach-preview">
                <img src={a.preview} alt={`Attached photo ${i() + 1} of ${files().length}: ${a.file.name}`} />
                <button
                  type="button"
                  class="button small"
                  disabled={props.disabled}
                  aria-label={`Remove ${a.file.name}`}
                  onClick={() => props.attachments.remove(a.key)}
                >
                  Remove
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </>
  );
}
