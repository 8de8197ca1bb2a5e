import { sql, type Db } from "./index.js";

interface Job {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Writes per shared transaction at most; more wait for the next one. */
const MAX_BATCH = 256;

/**
 * Group commit: writes queued in the same turn of the event loop share one transaction and one
 * COMMIT, which under many concurrent autosaves is most of a write's cost.
 *
 * - Each write runs in its own savepoint: one that throws is undone alone and its caller gets the
 *   error; the others go on.
 * - Every caller is answered only after the shared COMMIT, so an acknowledged write is on disk as
 *   surely as one committed alone; if the COMMIT fails, every caller in the batch gets the error.
 * - A write runs later than it was queued (by one turn of the event loop), so it must check inside
 *   itself whatever it relies on (a link still live, a questionnaire still open).
 */
export class WriteBatch {
  private queue: Job[] = [];

  constructor(private readonly db: Db) {}

  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(this.flush);
    });
  }

  private readonly flush = (): void => {
    const jobs = this.queue.splice(0, MAX_BATCH);
    if (this.queue.length) setImmediate(this.flush);
    const db = this.db;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      db.transaction(() => {
        for (const job of jobs) {
          sql(db, "SAVEPOINT batch_write").run();
          try {
            outcomes.push({ ok: true, value: job.write() });
            sql(db, "RELEASE batch_write").run();
          } catch (error) {
            sql(db, "ROLLBACK TO batch_write").run();
            sql(db, "RELEASE batch_write").run();
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.error);
    });
  };
}

const batches = new WeakMap<Db, WriteBatch>();

/** The connection's write batch. */
export function writeBatch(db: Db): WriteBatch {
  let b = batches.get(db);
  if (!b) batches.set(db, (b = new WriteBatch(db)));
  return b;
}
