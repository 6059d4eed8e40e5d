/**
 * A stand-in for the network: tests declare answers per "METHOD /path" and read back what was sent.
 * Only the boundary is fake; the views, the RPC client and the error handling are the real ones.
 */
import { vi } from "vitest";

/** `raw`: a body that is not text (an uploaded file), as it was passed to fetch. */
export type Sent = { method: string; url: URL; body: string | null; headers: Headers; raw: unknown };
type Answer = { status?: number; json: unknown } | ((request: Sent) => { status?: number; json: unknown });

export function fakeApi(routes: Record<string, Answer>) {
  const sent: Sent[] = [];
  const fetch = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input, "http://localhost");
    const method = (init?.method ?? "GET").toUpperCase();
    const body = typeof init?.body === "string" ? init.body : null;
    const request = { method, url, body, headers: new Headers(init?.headers), raw: init?.body ?? null };
    sent.push(request);
    const route = routes[`${method} ${url.pathname}`];
    // An unplanned request shows up on screen (and in the failure output) instead of as a vague rejection.
    const answer = !route
      ? apiError(500, "fake_api", `fake API: no answer for ${method} ${url.pathname}`)
      : typeof route === "function"
        ? route(request)
        : route;
    return Promise.resolve(
      new Response(JSON.stringify(answer.json), {
        status: answer.status ?? 200,
        headers: { "content-type": "application/json" },
      }),
    );
  });
  vi.stubGlobal("fetch", fetch);
  return { sent, fetch };
}

export function apiError(status: number, code: string, message: string) {
  return { status, json: { error: { code, message } } };
}

/** The JSON body a request carried, as an object (empty when it had none). */
export function jsonOf(request: Sent | undefined): Record<string, unknown> {
  if (!request?.body) return {};
  const parsed: unknown = JSON.parse(request.body);
  return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

/** A string field of a request's JSON body ("" when absent or not a string). */
export function textField(request: Sent | undefined, field: string): string {
  const value = jsonOf(request)[field];
  return typeof value === "string" ? value : "";
}
