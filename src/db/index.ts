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

/** A column list ("id, vendor_id AS vendorId, …") qualified by a table alias, for joins. */
export function qualified(alias: string, columns: string): string {
  return columns.split(",").map((c) => `${alias}.${c.trim()}`).join(", ");
}

/** The field names a column list gives its rows ("id, vendor_id AS vendorId" → id, vendorId). */
export function fieldsOf(columns: string): string[] {
  return columns.split(",").map((c) => c.trim().split(/\s+AS\s+/i).pop()!.split(".").pop()!);
}

/**
 * A function that splits a joined row read in raw mode (an array of values) into one object per
 * table, each with the fields of its column list, in the order the lists were selected. Raw rows
 * cost less to read than named or expanded ones, which matters on queries every request runs; the
 * splitter is generated once from the (constant) field names, so that each object is built as a
 * literal of one shape instead of property by property.
 */
export function rowSplitter(tables: readonly (readonly string[])[]): (row: readonly unknown[]) => Record<string, unknown>[] {
  let i = 0;
  const objects = tables.map((fields) => `{ ${fields.map((f) => `${JSON.stringify(f)}: row[${i++}]`).join(", ")} }`);
  return new Function("row", `return [${objects.join(", ")}];`) as (row: readonly unknown[]) => Record<string, unknown>[];
}

const transactions = new WeakMap<Db, Map<object, Database.Transaction<(...args: never[]) => unknown>>>();

/**
 * A transaction function made once per connection and reused: better-sqlite3 builds a new wrapper
 * each time `db.transaction` is called, which costs more than a small write on a hot path. `fn`
 * must be a module-level function (it is the cache key); it gets the arguments the call gets.
 */
export function transaction<A extends unknown[], R>(db: Db, fn: (...args: A) => R): Database.Transaction<(...args: A) => R> {
  let m = transactions.get(db);
  if (!m) transactions.set(db, (m = new Map()));
  let t = m.get(fn);
  if (!t) m.set(fn, (t = db.transaction(fn) as unknown as Database.Transaction<(...args: never[]) => unknown>));
  return t as unknown as Database.Transaction<(...args: A) => R>;
}
