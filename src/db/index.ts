import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { BUSY_BLOCK_MS } from "./faults.js";

export type Db = Database.Database;

/** The database file for a data folder. */
export function dbPath(dataDir: string): string {
  return join(dataDir, "truecost.db");
}

/**
 * Opens the database with WAL, foreign keys and a busy timeout. The server blocks its one thread on
 * another process's lock for at most BUSY_BLOCK_MS (its batched writes then wait off the thread, see
 * batch.ts); the CLI, with nothing else to serve, waits longer.
 */
export function openDb(file: string, opts: { busyTimeoutMs?: number; synchronous?: "normal" | "full" } = {}): Db {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? BUSY_BLOCK_MS}`);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${opts.synchronous === "normal" ? "NORMAL" : "FULL"}`);
  db.pragma("foreign_keys = ON");
  return db;
}

/** Current time as ISO-8601 UTC text, the one timestamp format stored. */
export function nowIso(date: Date = new Date()): string {
  return date.toISOString();
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepared statement, prepared once per connection and reused (preparing costs more than running on hot paths). */
export function sql(db: Db, text: string): Database.Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(text);
  if (!s) m.set(text, (s = db.prepare(text)));
  return s;
}

const transactions = new WeakMap<Db, Map<object, Database.Transaction<(...args: never[]) => unknown>>>();

/**
 * A transaction function made once per connection and reused: better-sqlite3 builds a new wrapper
 * each time `db.transaction` is called, which costs more than a small write on a hot path. `fn`
 * must be a module-level function (it is the cache key); it gets the arguments the call gets.
 */
export function transaction<A extends unknown[], R>(
  db: Db,
  fn: (...args: A) => R,
): Database.Transaction<(...args: A) => R> {
  let m = transactions.get(db);
  if (!m) transactions.set(db, (m = new Map()));
  let t = m.get(fn);
  if (!t) m.set(fn, (t = db.transaction(fn) as unknown as Database.Transaction<(...args: never[]) => unknown>));
  return t as unknown as Database.Transaction<(...args: A) => R>;
}

/** Whether the database answers a query (for the health check). */
export function dbAnswers(db: Db): boolean {
  return (db.prepare("SELECT 1 AS ok").get() as { ok: number }).ok === 1;
}
