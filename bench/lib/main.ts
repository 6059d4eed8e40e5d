import { fileURLToPath } from "node:url";

/** True when `importMetaUrl`'s file is the script Node was started with (each bench also runs alone). */
export const isMain = (importMetaUrl: string) => process.argv[1] === fileURLToPath(importMetaUrl);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
