/**
 * The API client: Hono RPC over the Worker's own route types, and one helper, `call`, that turns every
 * non-2xx answer into a thrown `ApiError` carrying the API's `{ error: { code, message } }`.
 */
import { hc, type ClientResponse } from "hono/client";
import type { AppType } from "@textdesk/api";
import { backgroundHeaders } from "./user-activity";

// Same origin, so the HttpOnly session cookie travels and the Worker's CSRF check sees `same-origin`.
// Requests made while nobody touches the screen are flagged, so they never postpone the idle sign-out.
export const api = hc<AppType>("/", { headers: backgroundHeaders });

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The whole parsed body, for answers that carry more than the error (the CSV import's 422 report). */
    readonly body: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type SuccessStatus = 200 | 201 | 202 | 204;

/** The body type of the 2xx answers of an RPC response; error statuses are thrown, never returned. */
export type Ok<R> =
  R extends ClientResponse<infer T, infer S, "json"> ? (S extends SuccessStatus ? T : never) : never;

let unauthorizedHandler: (error: ApiError) => void = () => undefined;

/** The session module registers itself here, so any 401 anywhere ends the session in one place. */
export function onUnauthorized(handler: (error: ApiError) => void) {
  unauthorizedHandler = handler;
}

function readError(body: unknown): { code: string; message: string } | undefined {
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  const error = body.error;
  if (typeof error !== "object" || error === null) return undefined;
  const code = "code" in error && typeof error.code === "string" ? error.code : undefined;
  const message = "message" in error && typeof error.message === "string" ? error.message : undefined;
  return code && message ? { code, message } : undefined;
}

export async function call<R extends ClientResponse<unknown, number, "json">>(
  request: Promise<R>,
): Promise<Ok<R>> {
  let response: R;
  try {
    response = await request;
  } catch {
    throw new ApiError(0, "network", "Could not reach Textdesk. Check the connection and try again.", null);
  }
  if (response.ok) return (await response.json()) as Ok<R>;
  const body: unknown = await response.json().catch(() => null);
  const error = readError(body) ?? {
    code: `http_${response.status}`,
    message: `The server answered ${response.status}. Try again.`,
  };
  const apiError = new ApiError(response.status, error.code, error.message, body);
  // invalid_credentials is a 401 too, but it belongs to the sign-in form, not to the session.
  if (response.status === 401 && (error.code === "session_expired" || error.code === "unauthorized")) {
    unauthorizedHandler(apiError);
  }
  throw apiError;
}

/** A message for any thrown value, for forms that show what went wrong next to themselves. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return "Something went wrong. Try again.";
}
