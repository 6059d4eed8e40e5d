import { fileURLToPath } from "node:url";

/** True when `importMetaUrl`'s file is the script Node was started with (each bench also runs alone). */
export const isMain = (importMetaUrl: string) => process.argv[1] === fileURLToPath(importMetaUrl);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The median; NaN when any value is (a run whose p99 had too few samples makes no median of p99s). */
export const median = (values: number[]) => {
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

/**
 * Resolves true once `count` hits were seen, or false at the deadline: a wait that ends on the observation
 * itself, the timeout only bounding how long a lost one is waited for.
 */
export function countdown(count: number, timeoutMs: number) {
  let left = count;
  let finish: (done: boolean) => void = () => undefined;
  const done = new Promise<boolean>((resolve) => {
    finish = resolve;
  });
  const timer = setTimeout(() => finish(false), timeoutMs);
  if (left <= 0) finish(true);
  return {
    hit: () => {
      if (--left === 0) {
        clearTimeout(timer);
        finish(true);
      }
    },
    left: () => Math.max(0, left),
    done,
  };
}

/**
 * Polls `probe` until it answers true, or until `timeoutMs` passed: for a state only the server can see
 * (pending waitUntil work, a drained outbox), where there is no event to wait on. Returns whether it held.
 */
export async function pollUntil(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 20) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (performance.now() > deadline) return false;
    await sleep(everyMs);
  }
}
