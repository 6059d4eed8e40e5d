import { createMemoryHistory, MemoryRouter } from "@solidjs/router";
import { render } from "@solidjs/testing-library";
import { Root } from "../app";
import { routes } from "../routes";
import type { Me } from "../lib/session";

/** The whole app with its real routes, started at `path`, with a history the test can read. */
export function renderApp(path: string) {
  const history = createMemoryHistory();
  history.set({ value: path, replace: true, scroll: false });
  const view = render(() => (
    <MemoryRouter history={history} root={Root}>
      {routes}
    </MemoryRouter>
  ));
  return { ...view, history };
}

/** The signed-in admin as GET /api/auth/me answers; `satisfies` makes API drift fail tsc here. */
export const ME = {
  user: {
    id: 1,
    orgId: 1,
    email: "admin@example.com",
    name: "Dana Admin",
    role: "admin",
    active: true,
    smsReplyAlert: true,
    smsReplySound: true,
    muteAlerts: false,
    muteSound: false,
    createdAt: 0,
    numberIds: [] as number[],
  },
  org: {
    id: 1,
    name: "Demo Chiropractic",
    timezone: "America/Chicago",
    queueWindowDays: 10,
    idleTimeoutMinutes: 30,
    quietHoursStart: "08:00",
    quietHoursEnd: "21:00",
    createdAt: 0,
  },
  numbers: [],
} satisfies Me;
