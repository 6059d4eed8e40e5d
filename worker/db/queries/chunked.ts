import { sql, type AnyColumn, type SQL } from "drizzle-orm";

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

/**
 * `column IN (values)` as one bound parameter however many values there are: the list goes in as JSON and
 * `json_each` reads it back (sqlite.org/json1.html#jeach). SQLite still looks each value up in the column's
 * index, like a literal IN list, so a page of 100 phones or a practice's every user id stays one query.
 */
export function inJsonList(column: AnyColumn | SQL, values: readonly (string | number)[]): SQL {
  return sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}
