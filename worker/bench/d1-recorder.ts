/**
 * @module A D1 binding that counts and times what passes through it, for the benchmarks only (profiling the
 * webhook's D1 round trips, the queue's server time and query plans). It delegates every call unchanged;
 * the Worker code under test cannot tell it from the real binding.
 */

export type Recorded = { sql: string; params: unknown[]; ms: number; via: "statement" | "batch" };

/** One request's (or one run's) statements. `roundTrips` counts calls to D1: a batch is one. */
export class D1Log {
  statements: Recorded[] = [];
  roundTrips = 0;
  ms = 0;
}

class RecordingStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly sql: string,
    private readonly params: unknown[],
    private readonly logs: D1Log[],
  ) {}

  bind(...values: unknown[]) {
    return new RecordingStatement(this.inner.bind(...values), this.sql, values, this.logs);
  }

  /** `Date.now()` in workerd advances across I/O, so this is the round trip as the Worker saw it. */
  private async timed<T>(work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } finally {
      const ms = Date.now() - started;
      for (const log of this.logs) {
        log.statements.push({ sql: this.sql, params: this.params, ms, via: "statement" });
        log.roundTrips++;
        log.ms += ms;
      }
    }
  }

  first<T>(column?: string) {
    return this.timed(() => (column === undefined ? this.inner.first<T>() : this.inner.first<T>(column)));
  }
  all<T>() {
    return this.timed(() => this.inner.all<T>());
  }
  run<T>() {
    return this.timed(() => this.inner.run<T>());
  }
  raw<T>(options?: { columnNames?: boolean }): Promise<unknown> {
    return this.timed<unknown>(() =>
      options?.columnNames === true
        ? this.inner.raw<T>({ columnNames: true })
        : this.inner.raw<T>({ columnNames: false }),
    );
  }
}

/** Wraps `inner` so every statement and batch is added to each of `logs`. */
export function recordingD1(inner: D1Database, logs: D1Log[]): D1Database {
  const wrapper = {
    prepare: (sql: string) => new RecordingStatement(inner.prepare(sql), sql, [], logs),
    batch: async (statements: unknown[]) => {
      const unwrapped = statements.map((s) =>
        s instanceof RecordingStatement ? s.inner : (s as D1PreparedStatement),
      );
      const started = Date.now();
      try {
        return await inner.batch(unwrapped);
      } finally {
        const ms = Date.now() - started;
        for (const log of logs) {
          log.roundTrips++;
          log.ms += ms;
          log.statements.push({ sql: `batch of ${statements.length}`, params: [], ms, via: "batch" });
        }
      }
    },
    exec: (query: string) => inner.exec(query),
    dump: () => inner.dump(),
    withSession: (constraint?: string) => inner.withSession(constraint),
  };
  // Structural stand-in: drizzle's D1 driver only calls prepare/bind/all/raw/run/first and batch.
  return wrapper as unknown as D1Database;
}
