import { A, useLocation, useNavigate, type RouteSectionProps } from "@solidjs/router";
import { createEffect, createSignal, ErrorBoundary, lazy, on, onCleanup, onMount, Show } from "solid-js";
import { messageOf } from "../lib/api";
import { LIVENESS_LABEL, liveness } from "../lib/live-state";
import { totalUnread } from "../lib/queue-store";
import { isAdmin, loadSession, session, signOut, watchIdle } from "../lib/session";

/** Sockets, toasts and chime: a separate chunk, so the sign-in page never loads them. */
const LiveNotifier = lazy(() => import("./live-notifier"));

/**
 * The signed-in frame: the main toolbar and the page. Whenever the session ends (sign-out, idle timeout,
 * any 401), the user lands on the sign-in page and comes back to the same page afterwards.
 */
export function AppShell(props: RouteSectionProps) {
  const navigate = useNavigate();
  const location = useLocation();

  onMount(() => {
    if (session.status === "unknown") void loadSession();
  });
  onCleanup(watchIdle());

  // The phone Menu (a disclosure): closed again by a page change, Escape, or a tap outside it.
  const [menuOpen, setMenuOpen] = createSignal(false);
  let menuButton: HTMLButtonElement | undefined;
  let menuPanel: HTMLDivElement | undefined;
  createEffect(
    on(
      () => location.pathname,
      () => setMenuOpen(false),
      { defer: true },
    ),
  );
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || !menuOpen()) return;
    setMenuOpen(false);
    menuButton?.focus();
  };
  const onPointer = (event: PointerEvent) => {
    const target = event.target;
    if (!menuOpen() || !(target instanceof Node)) return;
    if (menuButton?.contains(target) || menuPanel?.contains(target)) return;
    setMenuOpen(false);
  };
  document.addEventListener("keydown", onKey);
  document.addEventListener("pointerdown", onPointer);
  onCleanup(() => {
    document.removeEventListener("keydown", onKey);
    document.removeEventListener("pointerdown", onPointer);
  });

  createEffect(() => {
    if (session.status !== "signed-out") return;
    const next = encodeURIComponent(location.pathname + location.search);
    navigate(`/login?next=${next}`, { replace: true });
  });

  return (
    <Show
      when={session.status === "signed-in" ? session.me : undefined}
      fallback={
        <p class="loading" role="status">
          Loading…
        </p>
      }
    >
      {(me) => (
        <>
          <header class="toolbar">
            <div class="brand">
              <span class="brand-mark" aria-hidden="true">
                T
              </span>
              <span class="brand-name">Textdesk</span>
              <span class="practice">{me().org?.name}</span>
            </div>
            <nav aria-label="Main" class="main-nav">
              <A href="/queue" classList={{ "has-unread": totalUnread() > 0 }}>
                <span class="nav-icon" aria-hidden="true" />
                <span class="nav-label">Text Messages</span>
                <Show when={totalUnread() > 0}>
                  <span class="visually-hidden"> ({totalUnread()} unread)</span>
                </Show>
              </A>
              <button
                ref={menuButton}
                type="button"
                class="menu-button"
                aria-expanded={menuOpen()}
                aria-controls="main-menu"
                onClick={() => setMenuOpen(!menuOpen())}
              >
                <span class="menu-icon" aria-hidden="true" />
                Menu
              </button>
              {/* A plain row on wide screens; on phones (narrow.css) a panel the Menu button discloses. */}
              <div ref={menuPanel} id="main-menu" class="main-menu" classList={{ open: menuOpen() }}>
                <A href="/rolodex">Rolodex</A>
                <Show when={isAdmin()}>
                  <A href="/settings">Settings</A>
                </Show>
                <div class="who">
                  <span class="who-name">{me().user?.name}</span>
                  <button type="button" class="button quiet" onClick={() => void signOut()}>
                    Sign out
                  </button>
                </div>
              </div>
            </nav>
            <span
              class="liveness"
              data-state={liveness()}
              role="status"
              aria-label={`Queue: ${LIVENESS_LABEL[liveness()]}`}
            >
              <span class="liveness-dot" aria-hidden="true" />
              <span class="liveness-text">{LIVENESS_LABEL[liveness()]}</span>
            </span>
          </header>
          <main id="main" tabindex="-1" class="page">
            <ErrorBoundary
              fallback={(error: unknown, reset) => (
                <div class="alert alert-error" role="alert">
                  <p>{messageOf(error)}</p>
                  <button type="button" class="button" onClick={reset}>
                    Try again
                  </button>
                </div>
              )}
            >
              {props.children}
            </ErrorBoundary>
          </main>
          <LiveNotifier />
        </>
      )}
    </Show>
  );
}
