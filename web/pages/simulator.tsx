/**
 * The phone simulator: you are a patient's phone texting a clinic number on the simulator carrier. Texts go
 * through the Worker's real inbound pipeline (store, dedupe, STOP/START/HELP, after-hours alerts), and the
 * clinic's replies and auto-replies appear here by polling. Only exists where SIMULATOR_ENABLED=true.
 */
import { createEffect, createSignal, For, Match, on, onCleanup, onMount, Show, Switch } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { Alert } from "../components/ui/Alert";
import { TextField } from "../components/ui/TextField";
import { api, call, messageOf } from "../lib/api";
import { MESSAGE_MAX_LENGTH } from "../../worker/shared/messages";
import {
  isImageType,
  UPLOAD_MAX_BYTES,
  UPLOAD_MAX_FILES,
  type MessageMedia,
} from "../../worker/shared/media";
import { chipLabel, fileToBase64, formatBytes, UPLOAD_ACCEPT } from "../lib/media";

type SimNumber = { id: number; label: string; e164: string };
type SimMessage = {
  id: number;
  direction: "in" | "out";
  kind: string;
  body: string;
  status: string;
  createdAt: number;
  /** Photos both ways, with URLs the phone loads without a session (absent before the worker sends them). */
  media?: MessageMedia[];
};

/** Twice a second would be wasteful; every two seconds feels live enough for a test phone. */
const POLL_MS = 2000;

/** The demo practice's patients (worker/db/seed-demo.ts); any other number can be typed. */
const DEMO_PHONES = [
  { phone: "+15550001111", label: "Test Patient" },
  { phone: "+15550002222", label: "Maria & Diego Alvarez (shared phone)" },
];

const SIM_MAX_FILES = Math.min(3, UPLOAD_MAX_FILES);

/** A text's pictures on the phone screen (both ways), and any other file as a link. */
function SimMedia(props: { media: MessageMedia[] }) {
  return (
    <For each={props.media}>
      {(m, i) => (
        <Switch fallback={<span class="sim-media-note">{m.note ?? "Loading photo…"}</span>}>
          <Match when={m.state === "stored" && m.url && isImageType(m.contentType) ? m.url : null}>
            {(url) => <img class="sim-media" src={url()} alt={`Picture ${i() + 1}`} />}
          </Match>
          <Match when={m.state === "stored" && m.url}>
            {(url) => (
              <a class="sim-media-file" href={url()}>
                {chipLabel(m)}
              </a>
            )}
          </Match>
        </Switch>
      )}
    </For>
  );
}

export default function SimulatorPage() {
  const [numbers, setNumbers] = createSignal<SimNumber[]>([]);
  const [to, setTo] = createSignal("");
  const [from, setFrom] = createSignal(DEMO_PHONES[0]?.phone ?? "");
  const [draft, setDraft] = createSignal("");
  const [thread, setThread] = createStore({ messages: [] as SimMessage[] });
  const [error, setError] = createSignal<string | null>(null);
  const [sending, setSending] = createSignal(false);
  // The patient's photos for the next text: the simulator takes them inline, base64 in its JSON body.
  const [photos, setPhotos] = createSignal<File[]>([]);
  let picker: HTMLInputElement | undefined;

  async function loadNumbers() {
    try {
      const { numbers: list } = await call(api.api.simulator.numbers.$get());
      setNumbers(list);
      setTo(list[0]?.e164 ?? "");
    } catch (e) {
      setError(messageOf(e));
    }
  }
  onMount(() => void loadNumbers());

  // Only the newest poll may fill the thread, so switching phones never shows another phone's texts.
  let latest = 0;
  async function refresh() {
    if (!to() || !from()) return;
    const ticket = ++latest;
    try {
      const { messages } = await call(
        api.api.simulator.phones[":phone"].messages.$get({ param: { phone: from() }, query: { to: to() } }),
      );
      if (ticket === latest) setThread("messages", reconcile(messages as SimMessage[], { key: "id" }));
    } catch {
      // A typed number that is not a phone yet: the thread is simply empty until it is.
      if (ticket === latest) setThread("messages", []);
    }
  }
  createEffect(on([to, from], () => void refresh()));
  const timer = setInterval(() => void refresh(), POLL_MS);
  onCleanup(() => clearInterval(timer));

  async function send(event: SubmitEvent) {
    event.preventDefault();
    const body = draft();
    if (!body.trim() && photos().length === 0) return;
    setSending(true);
    setError(null);
    try {
      const media = await Promise.all(
        photos().map(async (file) => ({ contentType: file.type, data: await fileToBase64(file) })),
      );
      // The simulator route reads its body raw, like a carrier webhook, so it is posted as plain JSON.
      const res = await fetch("/api/simulator/messages", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ from: from(), to: to(), body, ...(media.length ? { media } : {}) }),
      });
      if (!res.ok) {
        const answer = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new Error(answer.error?.message ?? `The simulator answered ${res.status}.`);
      }
      setDraft("");
      setPhotos([]);
      await refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : messageOf(e));
    } finally {
      setSending(false);
    }
  }

  /** A phone sends at most three files, together no bigger than one staff upload (the route's limits). */
  function pick(list: FileList | null) {
    const next = [...photos(), ...(list ? [...list] : [])];
    const total = next.reduce((sum, f) => sum + f.size, 0);
    if (next.length > SIM_MAX_FILES) setError(`The simulator sends at most ${SIM_MAX_FILES} files per text.`);
    else if (total > UPLOAD_MAX_BYTES)
      setError(
        `The files come to ${formatBytes(total) ?? ""}; the simulator takes ${formatBytes(UPLOAD_MAX_BYTES) ?? ""}.`,
      );
    else {
      setError(null);
      setPhotos(next);
    }
  }

  return (
    <main id="main" class="page stack sim">
      <h1>Phone simulator</h1>
      <p>
        You are a patient's phone. Text a clinic number and watch replies arrive; try STOP, START and HELP.
      </p>
      <Alert kind="error" message={error()} />
      <div class="field">
        <label for="sim-to">Clinic number</label>
        <select id="sim-to" value={to()} onChange={(e) => setTo(e.currentTarget.value)}>
          <For each={numbers()}>{(n) => <option value={n.e164}>{`${n.label} (${n.e164})`}</option>}</For>
        </select>
      </div>
      <TextField
        label="This phone's number"
        value={from()}
        onValue={setFrom}
        list="sim-phones"
        hint="A demo patient, or any number you type."
      />
      <datalist id="sim-phones">
        <For each={DEMO_PHONES}>{(p) => <option value={p.phone}>{p.label}</option>}</For>
      </datalist>
      <section aria-label="Phone screen" aria-live="polite" class="sim-phone">
        <Show when={thread.messages.length === 0}>
          <p class="empty">No texts with this number yet.</p>
        </Show>
        <For each={thread.messages}>
          {(m) => (
            <p
              data-direction={m.direction}
              class={m.direction === "in" ? "sim-bubble mine" : "sim-bubble theirs"}
            >
              <Show when={m.body}>{m.body}</Show>
              <SimMedia media={m.media ?? []} />
            </p>
          )}
        </For>
      </section>
      <form onSubmit={(e) => void send(e)} class="stack sim-compose">
        <TextField
          label="Message"
          value={draft()}
          onValue={setDraft}
          maxLength={MESSAGE_MAX_LENGTH}
          autocomplete="off"
        />
        <div class="sim-attach">
          <input
            ref={picker}
            id="sim-photo"
            type="file"
            class="visually-hidden"
            tabIndex={-1}
            aria-hidden="true"
            accept={`${UPLOAD_ACCEPT},text/vcard,application/pdf`}
            multiple
            onChange={(e) => {
              pick(e.currentTarget.files);
              e.currentTarget.value = "";
            }}
          />
          <button type="button" class="button small" onClick={() => picker?.click()}>
            Attach photo
          </button>
          <For each={photos()}>
            {(file) => (
              <button
                type="button"
                class="button small"
                onClick={() => setPhotos((list) => list.filter((f) => f !== file))}
              >
                Remove {file.name}
              </button>
            )}
          </For>
        </div>
        <button type="submit" class="button primary" disabled={sending() || !to()}>
          {sending() ? "Sending…" : "Send"}
        </button>
      </form>
    </main>
  );
}
