/** Test-side views of the R2 archive and of injected faults. */
import { env } from "cloudflare:workers";
import { decodeRows, type ArchiveRow } from "../jobs/archive-format";

/** Every row in every archive object, in key order. */
export async function archivedRows(bucket: R2Bucket = env.HISTORY): Promise<ArchiveRow[]> {
  const rows: ArchiveRow[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await bucket.list({ prefix: "archive/", cursor });
    for (const o of page.objects) {
      const body = await bucket.get(o.key);
      if (body) rows.push(...decodeRows(await body.arrayBuffer()));
    }
    if (!page.truncated) return rows;
    cursor = page.cursor;
  }
}

export class InjectedFault extends Error {
  constructor(what: string) {
    super(`injected fault: ${what}`);
    this.name = "InjectedFault";
  }
}

type BucketFaults = {
  /** Fails this call number (1-based) of the method, or every call when true. */
  put?: number | true;
  get?: number | true;
  uploadPart?: number | true;
};

/** An R2 bucket that throws at chosen calls, otherwise delegates to the real one. */
export function faultyBucket(real: R2Bucket, faults: BucketFaults): R2Bucket {
  const calls = { put: 0, get: 0, uploadPart: 0 };
  const trip = (method: keyof typeof calls) => {
    calls[method]++;
    const fault = faults[method];
    if (fault === true || fault === calls[method]) throw new InjectedFault(`R2 ${method} #${calls[method]}`);
  };
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "put" || prop === "get") {
        return async (...args: Parameters<R2Bucket["put"]>) => {
          trip(prop);
          return prop === "put" ? target.put(...args) : target.get(args[0]);
        };
      }
      if (prop === "createMultipartUpload") {
        return async (...args: Parameters<R2Bucket["createMultipartUpload"]>) => {
          const upload = await target.createMultipartUpload(...args);
          return new Proxy(upload, {
            get(u, p) {
              if (p === "uploadPart") {
                return (...a: Parameters<R2MultipartUpload["uploadPart"]>) => {
                  trip("uploadPart");
                  return u.uploadPart(...a);
                };
              }
              const value: unknown = Reflect.get(u, p);
              return typeof value === "function" ? (value as (...x: unknown[]) => unknown).bind(u) : value;
            },
          });
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? (value as (...x: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A D1 binding whose statements matching `pattern` throw when prepared. */
export function faultyD1(real: D1Database, pattern: RegExp): D1Database {
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "prepare") {
        return (query: string) => {
          if (pattern.test(query)) throw new InjectedFault(`D1 ${query.slice(0, 40)}`);
          return target.prepare(query);
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? (value as (...x: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Whether an error, or any error in its `cause` chain (drizzle wraps driver errors), is an injected fault. */
export function isInjectedFault(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof InjectedFault) return true;
  }
  return false;
}
