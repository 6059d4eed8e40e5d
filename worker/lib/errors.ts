import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The one error type of the API. `onError` turns it into `{ error: { code, message } }` with its status,
 * so a route or query can stop a request from any depth without knowing about Hono.
 */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (message: string, code = "bad_request") => new AppError(400, code, message);
export const unauthorized = (message = "Sign in to continue.", code = "unauthorized") =>
  new AppError(401, code, message);
export const forbidden = (message = "You are not allowed to do that.", code = "forbidden") =>
  new AppError(403, code, message);
export const notFound = (what: string) => new AppError(404, "not_found", `${what} not found.`);
export const conflict = (message: string, code = "conflict") => new AppError(409, code, message);

export type ErrorBody = { error: { code: string; message: string } };
