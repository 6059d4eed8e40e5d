import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DrizzleQueryError } from "drizzle-orm/errors";

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
/** Every 413 (a body, a file or a batch over its limit) has this one code; the message says which limit. */
export const payloadTooLarge = (message: string) => new AppError(413, "payload_too_large", message);

export type ErrorBody = { error: { code: string; message: string } };

/**
 * What a log line may say about a caught error. Never `error.message`: drizzle's DrizzleQueryError puts the
 * bound parameters (phones, names, bodies) into its message. Only the error's name, and the message of its
 * `cause` (for a failed query that is D1's own message, which names SQL and constraints, not values) unless
 * that cause is itself a DrizzleQueryError with parameters in its message.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return "unknown";
  const name = nameOf(error);
  const cause: unknown = error.cause;
  if (!(cause instanceof Error)) return name;
  if (cause instanceof DrizzleQueryError) return `${name} (cause: ${nameOf(cause)})`;
  return `${name} (cause: ${nameOf(cause)}: ${redact(cause.message)})`;
}

/**
 * A cause's message is the runtime's or D1's, but a network error may still quote what it was asked for: a
 * carrier's media link (its account and message ids lead to a patient) or a phone. Both are cut out.
 */
const redact = (message: string) =>
  message.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, "<url>").replace(/\+?\d[\d\s().-]{6,}\d/g, "<number>");

// DrizzleQueryError never sets `name`, so it would log as a bare "Error".
const nameOf = (error: Error) => (error instanceof DrizzleQueryError ? "DrizzleQueryError" : error.name);
