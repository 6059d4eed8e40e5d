/**
 * Every screen, as a config array with lazy pages: each page is its own chunk, loaded on first visit.
 * Everything under the shell requires a session; /login and the simulator stand on their own.
 */
import { lazy } from "solid-js";
import type { RouteDefinition } from "@solidjs/router";
import { AppShell } from "./components/app-shell";
import { redirectTo } from "./components/redirect";
import { loadFirstScreen } from "./lib/queue-store";
import { session } from "./lib/session";

export const routes: RouteDefinition[] = [
  { path: "/login", component: lazy(() => import("./pages/login")) },
  { path: "/simulator", component: lazy(() => import("./pages/simulator")) },
  {
    path: "/",
    component: AppShell,
    children: [
      { path: "/", component: redirectTo("/queue") },
      {
        path: "/queue",
        component: lazy(() => import("./pages/queue")),
        // Runs as the route matches, before the shell mounts: the first load asks once for everything
        // the queue shows, in parallel with the page's chunk (the shell's own ask joins this one).
        preload: ({ location }) => {
          const number = location.query.number;
          if (session.status === "unknown") void loadFirstScreen(Array.isArray(number) ? number[0] : number);
        },
      },
      { path: "/rolodex", component: lazy(() => import("./pages/rolodex")) },
      {
        path: "/settings",
        component: lazy(() => import("./pages/settings")),
        children: [
          { path: "/", component: redirectTo("/settings/users") },
          { path: "/users", component: lazy(() => import("./pages/admin-users")) },
          { path: "/numbers", component: lazy(() => import("./pages/admin-numbers")) },
          { path: "/practice", component: lazy(() => import("./pages/admin-practice")) },
          { path: "/audit", component: lazy(() => import("./pages/admin-audit")) },
          { path: "/api-keys", component: lazy(() => import("./pages/admin-api-keys")) },
          { path: "/quick-replies", component: lazy(() => import("./pages/admin-quick-replies")) },
        ],
      },
      { path: "*404", component: lazy(() => import("./pages/not-found")) },
    ],
  },
];
