/**
 * The faults that come from outside the app rather than from a request: the database locked by
 * another process, and no space left on the disk. Both leave nothing written; both are told to the
 * user as what they are (503, try again) and logged plainly for the operator.
 */

/** Whether an error is SQLite waiting in vain for a lock another connection or process holds. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return (
    code === "SQLITE_BUSY" ||
    code === "SQLITE_LOCKED" ||
    code?.startsWith("SQLITE_BUSY_") === true ||
    err instanceof DatabaseBusy
  );
}

/** Whether an error is the disk (or the database's file system) being full. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === "ENOSPC" || code === "EDQUOT" || code === "SQLITE_FULL";
}

/** A write that waited as long as it may for the database's write lock. */
export class DatabaseBusy extends Error {
  readonly code = "SQLITE_BUSY";
  constructor() {
    super("the database stayed locked by another process");
  }
}

/** How long the one thread may block on a lock (SQLite's busy timeout) before a write gives up or waits off-thread. */
export const BUSY_BLOCK_MS = 100;
