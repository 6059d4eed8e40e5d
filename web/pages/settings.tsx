import { A, type RouteSectionProps } from "@solidjs/router";
import { Show } from "solid-js";
import { isAdmin } from "../lib/session";

/** Admin settings: a sub-navigation and the chosen section. Staff never see the link, nor the pages. */
export default function SettingsPage(props: RouteSectionProps) {
  return (
    <Show
      when={isAdmin()}
      fallback={
        <section class="stack">
          <h1>Settings</h1>
          <p>Only an admin can open Settings.</p>
        </section>
      }
    >
      <div class="settings">
        <nav aria-label="Settings" class="sub-nav">
          <A href="/settings/users">Users</A>
          <A href="/settings/numbers">Clinic numbers</A>
          <A href="/settings/practice">Practice settings</A>
          <A href="/settings/audit">Audit</A>
          <A href="/settings/api-keys">API keys</A>
          <A href="/settings/quick-replies">Quick replies</A>
        </nav>
        <div class="settings-body">{props.children}</div>
      </div>
    </Show>
  );
}
