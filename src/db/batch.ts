import { DatabaseBusy, isBusy } from "./faults.js";
import { sql, type Db } from "./index.js";

interface Job {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /** When the caller stops waiting for the lock (ms since the epoch). */
  deadline: number;
}

/** How long a write waits for a lock another process holds before its caller is told the server is busy. */
const LOCK_WAIT_MS = 4000;

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
 * - When another process holds the database's write lock, the thread blocks at most SQLite's short
 *   busy timeout; the batch then waits off the thread (other requests go on) and tries again, until
 *   each write's deadline, after which its caller gets DatabaseBusy (a 503 that says so).
 */
export class WriteBatch {
  private queue: Job[] = [];
  private waiting: NodeJS.Timeout | undefined;
  private backoff = 0;
  /** The connection's own busy timeout, put back after each batch. */
  private blockMs: number | undefined;

  constructor(
    private readonly db: Db,
    private readonly lockWaitMs = LOCK_WAIT_MS,
  ) {}

  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        write,
        resolve: resolve as (v: unknown) => void,
        reject,
        deadline: Date.now() + this.lockWaitMs,
      });
      if (this.queue.length === 1 && !this.waiting) setImmediate(this.flush);
    });
  }

  private readonly flush = (): void => {
    this.waiting = undefined;
    const now = Date.now();
    // Writes whose callers waited long enough for the lock are answered now; nothing of them was written.
    this.queue = this.queue.filter((job) => (job.deadline > now ? true : (job.reject(new DatabaseBusy()), false)));
    const jobs = this.queue.splice(0, MAX_BATCH);
    if (!jobs.length) return;
    if (this.queue.length) setImmediate(this.flush);
    const db = this.db;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    // The batch never blocks the thread on a lock: it waits off the thread instead (below).
    this.blockMs ??= Number(db.pragma("busy_timeout", { simple: true }));
    sql(db, "PRAGMA busy_timeout = 0").run();
    try {
      outcomes.length = 0;
      db.transaction(() => {
        for (const job of jobs) {
          sql(db, "SAVEPOINT batch_write").run();
          try {
            outcomes.push({ ok: true, value: job.write() });
            sql(db, "RELEASE batch_write").run();
          } catch (error) {
            // A full disk or an I/O error can make SQLite roll the whole transaction back: then nothing
            // of the batch stands, and every caller in it must hear so (below), not only this one.
            if (!db.inTransaction) throw error;
            sql(db, "ROLLBACK TO batch_write").run();
            sql(db, "RELEASE batch_write").run();
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      if (isBusy(error)) {
        // Nothing was written (the transaction rolled back): the same writes go again, first, after a pause.
        this.queue.unshift(...jobs);
        this.backoff = Math.min(250, this.backoff ? this.backoff * 2 : 10);
        this.waiting ??= setTimeout(this.flush, this.backoff);
        return;
      }
      for (const job of jobs) job.reject(error);
      return;
    } finally {
      sql(db, `PRAGMA busy_timeout = ${this.blockMs}`).run();
    }
    this.backoff = 0;
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
