import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** One drizzle instance per request, so moving to D1 read replicas (sessions) later is a one-line change. */
export function createDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Db = ReturnType<typeof createDb>;
