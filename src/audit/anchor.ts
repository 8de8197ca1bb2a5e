import { createHmac, timingSafeEqual } from "node:crypto";
import { nowIso, sql, type Db } from "../db/index.js";

/**
 * The audit chain's anchor. The chain (audit/repo.ts) proves that no entry was changed or removed
 * between the first and the last; it cannot prove that the last is the last, nor that the whole
 * chain was not rebuilt with new hashes. The head (newest id and hash) is therefore kept with an
 * HMAC under a key that lives outside the database (AUDIT_KEY or AUDIT_KEY_FILE, see config.ts):
 * someone who can write the database but not read the key can neither truncate the log nor
 * rebuild it without the head's MAC failing. Checkpoints of the head are written at intervals and
 * with every backup, and the head can be printed or mailed to an auditor, whose copy catches even
 * someone who holds both the database and the key (see docs/security.md).
 */

export const GENESIS = "0".repeat(64);

const keys = new WeakMap<Db, Buffer>();

/** Uses `key` to anchor this connection's audit log, anchoring a log never anchored before. */
export function useAuditKey(db: Db, key: string): AnchorStart {
  keys.set(db, Buffer.from(key, "utf8"));
  return anchorIfNew(db);
}

export function hasAuditKey(db: Db): boolean {
  return keys.has(db);
}

function keyOf(db: Db): Buffer {
  const k = keys.get(db);
  if (!k) throw new Error("No audit key for this database: call useAuditKey first (buildApp and the CLI do).");
  return k;
}

function mac(key: Buffer, ...parts: (string | number)[]): string {
  return createHmac("sha256", key)
    .update(["truecost-audit", ...parts].join("\n"))
    .digest("hex");
}

function sameHex(a: string | null, b: string): boolean {
  if (a === null || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex"));
}

export interface Head {
  entryId: number;
  hash: string;
  mac: string | null;
}

export function readHead(db: Db): Head | undefined {
  return sql(db, "SELECT entry_id AS entryId, hash, mac FROM audit_head WHERE id = 1").get() as Head | undefined;
}

/** The MAC a head must carry. */
export function headMac(db: Db, entryId: number, hash: string): string {
  return mac(keyOf(db), "head", entryId, hash);
}

/** Whether a head's MAC is the key's. */
export function headIsAnchored(db: Db, head: Head): boolean {
  return sameHex(head.mac, headMac(db, head.entryId, head.hash));
}

const lastWritten = new WeakMap<Db, Head>();

/**
 * Moves the anchored head from `from` to the entry just written, in the entry's transaction. The
 * head moves only from a head that is itself anchored and is the entry before: a log truncated,
 * rebuilt or appended to behind the app's back keeps its stale head, so that verification keeps
 * reporting it (the write itself always succeeds: the audit log never stops the app).
 */
export function advanceHead(
  db: Db,
  before: { id: number; hash: string } | undefined,
  entry: { id: number; hash: string },
): void {
  const head = readHead(db);
  if (!head) return;
  const prevId = before?.id ?? 0;
  const prevHash = before?.hash ?? GENESIS;
  if (head.entryId !== prevId || head.hash !== prevHash) return;
  const cached = lastWritten.get(db);
  const trusted =
    cached !== undefined && cached.entryId === head.entryId && cached.hash === head.hash && cached.mac === head.mac;
  if (!trusted && !headIsAnchored(db, head)) return;
  const next = { entryId: entry.id, hash: entry.hash, mac: headMac(db, entry.id, entry.hash) };
  sql(db, "UPDATE audit_head SET entry_id = ?, hash = ?, mac = ? WHERE id = 1").run(next.entryId, next.hash, next.mac);
  lastWritten.set(db, next);
}

export type AnchorStart = { anchored: "already" | "now" } | { anchored: "refused"; reason: string };

/**
 * Anchors a log that has never been anchored (a new database, or one from before anchoring): its
 * chain must be intact, and no checkpoint may exist (a log with checkpoints was anchored before, so
 * a missing MAC means it was removed, and anchoring again would hide that).
 */
function anchorIfNew(db: Db): AnchorStart {
  const head = readHead(db);
  if (head?.mac) return { anchored: "already" };
  if (!head) return { anchored: "refused", reason: "the audit log's anchor (audit_head) is missing" };
  const checkpoints = sql(db, "SELECT count(*) FROM audit_checkpoints").pluck().get() as number;
  if (checkpoints > 0)
    return { anchored: "refused", reason: "the anchor's MAC was removed from a log that had been anchored" };
  return db
    .transaction((): AnchorStart => {
      const last = sql(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").get() as
        { id: number; hash: string } | undefined;
      if ((last?.id ?? 0) !== head.entryId || (last?.hash ?? GENESIS) !== head.hash)
        return { anchored: "refused", reason: "the anchor does not name the newest entry" };
      sql(db, "UPDATE audit_head SET mac = ? WHERE id = 1").run(headMac(db, head.entryId, head.hash));
      writeCheckpoint(db, last ? "first anchoring of an existing log" : "new database");
      return { anchored: "now" };
    })
    .immediate();
}

export interface Checkpoint {
  id: number;
  entryId: number;
  hash: string;
  reason: string;
  createdAt: string;
  mac: string;
}

function checkpointMac(db: Db, c: Omit<Checkpoint, "id" | "mac">): string {
  return mac(keyOf(db), "checkpoint", c.entryId, c.hash, c.reason, c.createdAt);
}

/** Writes a keyed checkpoint of the chain's newest entry; returns it. */
export function writeCheckpoint(db: Db, reason: string, now = new Date()): Checkpoint {
  const last = sql(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").get() as
    { id: number; hash: string } | undefined;
  const c = { entryId: last?.id ?? 0, hash: last?.hash ?? GENESIS, reason, createdAt: nowIso(now) };
  const m = checkpointMac(db, c);
  const id = Number(
    sql(db, "INSERT INTO audit_checkpoints (entry_id, hash, reason, created_at, mac) VALUES (?, ?, ?, ?, ?)").run(
      c.entryId,
      c.hash,
      c.reason,
      c.createdAt,
      m,
    ).lastInsertRowid,
  );
  return { id, ...c, mac: m };
}

/** A checkpoint when the log moved since the last one and the last is older than `minutes`; null otherwise. */
export function checkpointIfDue(db: Db, minutes: number, now = new Date()): Checkpoint | null {
  const last = sql(
    db,
    "SELECT entry_id AS entryId, created_at AS createdAt FROM audit_checkpoints ORDER BY id DESC LIMIT 1",
  ).get() as { entryId: number; createdAt: string } | undefined;
  const newest = (sql(db, "SELECT max(id) FROM audit_log").pluck().get() as number | null) ?? 0;
  if (last && (last.entryId === newest || now.getTime() - Date.parse(last.createdAt) < minutes * 60_000)) return null;
  return writeCheckpoint(db, "interval", now);
}

export function listCheckpoints(db: Db): Checkpoint[] {
  return sql(
    db,
    "SELECT id, entry_id AS entryId, hash, reason, created_at AS createdAt, mac FROM audit_checkpoints ORDER BY id",
  ).all() as Checkpoint[];
}

export function checkpointIsValid(db: Db, c: Checkpoint): boolean {
  return sameHex(c.mac, checkpointMac(db, c));
}

/**
 * The head as one line an auditor keeps (printed by `truecost audit head`, mailed with each
 * checkpoint when AUDIT_ANCHOR_EMAIL is set); `truecost audit verify --head LINE` checks that the
 * log still holds that entry with that hash, which no one can fake without rewriting the auditor's
 * copy too.
 */
export function headLine(c: Pick<Checkpoint, "entryId" | "hash" | "createdAt">): string {
  return `truecost-audit-head entry=${c.entryId} hash=${c.hash} at=${c.createdAt}`;
}

export function parseHeadLine(line: string): { entryId: number; hash: string } | undefined {
  const m = /^truecost-audit-head entry=(\d+) hash=([0-9a-f]{64})(?: at=\S+)?$/.exec(line.trim());
  return m ? { entryId: Number(m[1]), hash: m[2]! } : undefined;
}

/** The triggers that make the log and its checkpoints append-only, each exactly as the migrations create it. */
const AUDIT_TRIGGERS = ["audit_log", "audit_checkpoints"].flatMap((table) =>
  ["UPDATE", "DELETE"].map((op) => {
    const name = `${table}_no_${op.toLowerCase()}`;
    return {
      name,
      sql: `CREATE TRIGGER ${name} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
    };
  }),
);

/** The append-only triggers missing or changed (a WHEN clause or another body would make them inert). */
export function missingTriggers(db: Db): string[] {
  const rows = sql(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as {
    name: string;
    sql: string;
  }[];
  const found = new Map(rows.map((r) => [r.name, r.sql.replace(/\s+/g, " ").trim()]));
  return AUDIT_TRIGGERS.filter((t) => found.get(t.name) !== t.sql).map((t) => t.name);
}
