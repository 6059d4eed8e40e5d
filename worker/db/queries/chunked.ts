/**
 * D1 refuses a statement with more than 100 bound parameters
 * (https://developers.cloudflare.com/d1/platform/limits/), so `IN (...)` lists and multi-row inserts are
 * split into chunks that stay under it.
 */
export const MAX_BOUND_PARAMETERS = 100;

export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
