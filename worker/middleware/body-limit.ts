import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { payloadTooLarge } from "../lib/errors";

/**
 * Every limit handed out, by its middleware: worker/middleware/body-limit.test.ts walks the app's routes and
 * finds each one's limit here, so a route that takes a body without a limit fails that test.
 */
export const BODY_LIMITS = new WeakMap<MiddlewareHandler, number>();

/**
 * The one way a route bounds its body. Hono's bodyLimit trusts a Content-Length when there is one and
 * otherwise counts the stream as it reads it, so a chunked body is cut off at `bytes` instead of being
 * buffered whole; put it before the validator and before any lookup, so nothing is parsed or queried first.
 * Over the limit: 413 payload_too_large in the API's error shape.
 */
export function limitBody(bytes: number): MiddlewareHandler {
  const middleware = bodyLimit({
    maxSize: bytes,
    onError: () => {
      throw payloadTooLarge(`The body is over ${describeSize(bytes)}.`);
    },
  });
  BODY_LIMITS.set(middleware, bytes);
  return middleware;
}

/** 4096 → "4 KiB", 2097152 → "2 MiB": how the 413 message names the limit. */
function describeSize(bytes: number) {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
