import { useNavigate, useSearchParams } from "@solidjs/router";
import { createEffect, createSignal, onMount } from "solid-js";
import { Alert } from "../components/ui/Alert";
import { TextField } from "../components/ui/TextField";
import { messageOf } from "../lib/api";
import { loadSession, session, signIn } from "../lib/session";
import { loadFirstScreen } from "../lib/queue-store";

/** Only paths inside this app: `next` must never send a fresh sign-in to another site. */
function safeNext(next: string | string[] | undefined) {
  const value = Array.isArray(next) ? next[0] : next;
  return value && value.startsWith("/") && !value.startsWith("//") && value !== "/login" ? value : "/queue";
}

export default function LoginPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let passwordInput: HTMLInputElement | undefined;

  onMount(() => {
    if (session.status === "unknown") void loadSession();
  });
  createEffect(() => {
    if (session.status === "signed-in") navigate(safeNext(params.next), { replace: true });
  });

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Bound for the queue: one bootstrap request brings the user with the queue's first screen, instead of
      // asking who signed in and then loading the list (and, with no live cursor, loading it again).
      const next = new URL(safeNext(params.next), location.origin);
      const load =
        next.pathname === "/queue"
          ? () => loadFirstScreen(next.searchParams.get("number") ?? undefined)
          : undefined;
      await signIn(email().trim(), password(), load);
    } catch (err) {
      setError(messageOf(err));
      setPassword("");
      // Back to the password, so a second try is typing, not hunting for the field.
      passwordInput?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="login">
      <form class="card form login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Textdesk</h1>
        <Alert kind="info" message={session.notice} />
        <TextField
          label="E-mail"
          type="email"
          autocomplete="username"
          required
          value={email()}
          onValue={setEmail}
        />
        <TextField
          ref={passwordInput}
          label="Password"
          type="password"
          autocomplete="current-password"
          required
          value={password()}
          onValue={setPassword}
        />
        <Alert message={error()} />
        <button type="submit" class="button primary" disabled={busy()}>
          {busy() ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
