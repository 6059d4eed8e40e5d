import { fireEvent } from "@solidjs/testing-library";
import { beforeEach, describe, expect, it } from "vitest";
import { IDLE_NOTICE, resetSession } from "../lib/session";
import { apiError, fakeApi } from "../test/fake-api";
import { ME, renderApp } from "../test/render-app";

/** The sign-in page is a lazy chunk: wait for it like a user waits for the form. */
async function fillIn(view: ReturnType<typeof renderApp>, email: string, password: string) {
  fireEvent.input(await view.findByLabelText("E-mail"), { target: { value: email } });
  fireEvent.input(view.getByLabelText("Password"), { target: { value: password } });
  fireEvent.click(view.getByRole("button", { name: "Sign in" }));
}

describe("sign-in", () => {
  beforeEach(() => resetSession());

  it("signs in and opens the app with the main toolbar", async () => {
    let signedIn = false;
    const { sent } = fakeApi({
      "GET /api/auth/me": () =>
        signedIn ? { json: ME } : apiError(401, "unauthorized", "Sign in to continue."),
      "POST /api/auth/login": () => {
        signedIn = true;
        return { json: { user: ME.user } };
      },
      // Bound for the queue, the sign-in page asks who signed in with the queue's first screen.
      "GET /api/bootstrap": () => ({
        json: { ...ME, unread: { windowDays: 10, numbers: [] }, queue: null, cursor: 0 },
      }),
    });
    const view = renderApp("/login");
    await fillIn(view, "admin@example.com", "demo-admin");

    expect(await view.findByRole("link", { name: "Text Messages" })).toBeInTheDocument();
    expect(view.getByRole("link", { name: "Settings" })).toBeInTheDocument();
    expect(view.getByText("Dana Admin")).toBeInTheDocument();
    expect(await view.findByRole("heading", { name: "Text Messages" })).toBeInTheDocument();
    expect(view.history.get()).toBe("/queue");
    const login = sent.find((r) => r.url.pathname === "/api/auth/login");
    expect(JSON.parse(login?.body ?? "{}")).toEqual({ email: "admin@example.com", password: "demo-admin" });
  });

  it("says so on the form when the password was right but the first screen did not load", async () => {
    fakeApi({
      "GET /api/auth/me": apiError(401, "unauthorized", "Sign in to continue."),
      "POST /api/auth/login": { json: { user: ME.user } },
      "GET /api/bootstrap": apiError(503, "unavailable", "Try again in a moment."),
    });
    const view = renderApp("/login");
    await fillIn(view, "admin@example.com", "demo-admin");

    expect(await view.findByRole("alert")).toHaveTextContent("Something went wrong. Try again.");
    expect(view.history.get()).toBe("/login");
    expect(view.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("shows the server's message for a wrong password and stays on the form", async () => {
    fakeApi({
      "GET /api/auth/me": apiError(401, "unauthorized", "Sign in to continue."),
      "POST /api/auth/login": apiError(401, "invalid_credentials", "The e-mail or password is not right."),
    });
    const view = renderApp("/login");
    await fillIn(view, "admin@example.com", "wrong-password");

    expect(await view.findByRole("alert")).toHaveTextContent("The e-mail or password is not right.");
    expect(view.getByLabelText("Password")).toHaveValue("");
    expect(view.getByLabelText("Password")).toHaveFocus();
    expect(view.queryByRole("link", { name: "Rolodex" })).not.toBeInTheDocument();
  });

  it("sends an expired session to sign-in with the inactivity message", async () => {
    fakeApi({
      "GET /api/auth/me": apiError(
        401,
        "session_expired",
        "You were signed out after a period of inactivity.",
      ),
    });
    const view = renderApp("/rolodex");

    expect(await view.findByRole("heading", { name: "Sign in to Textdesk" })).toBeInTheDocument();
    expect(view.getByRole("status")).toHaveTextContent(IDLE_NOTICE);
    expect(view.history.get()).toBe("/login?next=%2Frolodex");
  });
});
