/**
 * The one source of the tables, split by area. drizzle-kit reads these files (drizzle.config.ts) to generate
 * `migrations/`, which wrangler applies; the rest of the code imports from here.
 */
export * from "./practice";
export * from "./messaging";
export * from "./history";
export * from "./api";
export * from "./push";
export * from "./media";
