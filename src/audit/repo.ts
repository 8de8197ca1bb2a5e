import { createHash } from "node:crypto";
import { nowIso, sql, type Db } from "../db/index.js";
import {
  advanceHead,
  checkpointIsValid,
  GENESIS,
  hasAuditKey,
  headIsAnchored,
  listCheckpoints,
  missingTriggers,
  readHead,
} from "./anchor.js";

export interface AuditEntry {
  id: number;
  evaluationId: number | null;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
  createdAt: string;
  prevHash: string;
  hash: string;
}

function entryHash(
  prevHash: string,
  e: { id: number; evaluationId: number | null; actor: string; action: string; detail: string; createdAt: string },
): string {
  return createHash("sha256")
    .update(prevHash)
    .update(JSON.stringify([e.id, e.evaluationId, e.actor, e.action, e.detail, e.createdAt]))
    .digest("hex");
}

/** Appends an audit entry chained to the previous one; call inside the transaction of the change it records. */
export function audit(
  db: Db,
  evaluationId: number | null,
  actor: string,
  action: string,
  detail: Record<string, unknown> = {},
): void {
  const last = sql(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").get() as
    { id: number; hash: string } | undefined;
  const id = (last?.id ?? 0) + 1;
  const row = { id, evaluationId, actor, action, detail: JSON.stringify(detail), createdAt: nowIso() };
  const prevHash = last?.hash ?? GENESIS;
  const hash = entryHash(prevHash, row);
  sql(
    db,
    "INSERT INTO audit_log (id, evaluation_id, actor, action, detail, created_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(id, evaluationId, actor, action, row.detail, row.createdAt, prevHash, hash);
  advanceHead(db, last, { id, hash });
}

export interface AuditFilter {
  evaluationId?: number;
  action?: string;
  actor?: string;
  /** Only entries older than this id (the next page of a list newest first). */
  before?: number;
  limit?: number;
}

/** Entries newest first, filtered by evaluation, action prefix and actor. */
export function listAudit(db: Db, f: AuditFilter = {}): AuditEntry[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.evaluationId !== undefined) (where.push("evaluation_id = ?"), args.push(f.evaluationId));
  if (f.action) (where.push("action LIKE ? ESCAPE '\\'"), args.push(f.action.replace(/[\\%_]/g, "\\$&") + "%"));
  if (f.actor) (where.push("actor LIKE ? ESCAPE '\\'"), args.push("%" + f.actor.replace(/[\\%_]/g, "\\$&") + "%"));
  if (f.before !== undefined) (where.push("id < ?"), args.push(f.before));
  const rows = sql(
    db,
    `SELECT id, evaluation_id AS evaluationId, actor, action, detail, created_at AS createdAt, prev_hash AS prevHash, hash
      FROM audit_log ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY id DESC LIMIT ?`,
  ).all(...args, f.limit ?? 500) as (Omit<AuditEntry, "detail"> & { detail: string })[];
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

export type VerifyResult =
  | { ok: true; entries: number; checkpoints: number; heads: number }
  | { ok: false; entries: number; firstBadId: number | null; problem: string; problems: string[] };

/**
 * Checks the log: the append-only triggers are in place; the chain is whole from the first entry
 * (each entry's hash, each link to the one before, ids without gaps); its newest entry is the one
 * the keyed anchor names; every keyed checkpoint, and every head an auditor kept (`heads`), names an
 * entry still in the log with the same hash. Reports every problem, the first changed entry first.
 */
export function verifyAudit(db: Db, heads: { entryId: number; hash: string }[] = []): VerifyResult {
  const problems: string[] = [];
  let firstBadId: number | null = null;
  const bad = (id: number | null, problem: string) => {
    if (firstBadId === null && id !== null) firstBadId = id;
    problems.push(problem);
  };
  let prevHash = GENESIS;
  let expectedId = 1;
  let n = 0;
  const hashes = new Map<number, string>();
  for (const r of sql(
    db,
    "SELECT id, evaluation_id AS evaluationId, actor, action, detail, created_at AS createdAt, prev_hash AS prevHash, hash FROM audit_log ORDER BY id",
  ).iterate() as Iterable<Omit<AuditEntry, "detail"> & { detail: string }>) {
    n++;
    hashes.set(r.id, r.hash);
    if (firstBadId === null) {
      if (r.id !== expectedId) bad(r.id, `entry ${expectedId} is missing (removed)`);
      else if (r.prevHash !== prevHash)
        bad(r.id, `entry ${r.id} does not follow the entry before it (an earlier entry was removed or changed)`);
      else if (entryHash(prevHash, r) !== r.hash) bad(r.id, `entry ${r.id} was changed after it was written`);
    }
    prevHash = r.hash;
    expectedId = r.id + 1;
  }
  const newest = { id: expectedId - 1, hash: prevHash };
  const head = readHead(db);
  if (!hasAuditKey(db))
    bad(null, "the anchor cannot be checked: no audit key (set AUDIT_KEY or AUDIT_KEY_FILE as the server has it)");
  else if (!head) bad(null, "the anchor (audit_head) is missing: the log cannot be shown to be whole");
  else if (!head.mac) bad(null, "the log has never been anchored, or its anchor's MAC was removed");
  else if (!headIsAnchored(db, head))
    bad(
      null,
      "the anchor's MAC does not match the audit key: the anchor was forged, or the key is not the one the server uses",
    );
  else if (head.entryId > newest.id)
    bad(null, `the log was truncated: the anchor names entry ${head.entryId}, the newest left is ${newest.id}`);
  else if (hashes.get(head.entryId) !== head.hash)
    bad(head.entryId, `the chain was rebuilt: entry ${head.entryId} no longer has the hash the anchor recorded`);
  else if (head.entryId < newest.id)
    bad(
      head.entryId + 1,
      `entries after ${head.entryId} were written around the app (the anchor was not moved with them)`,
    );
  const checkpoints = hasAuditKey(db) ? listCheckpoints(db) : [];
  for (const c of checkpoints) {
    if (!checkpointIsValid(db, c))
      bad(null, `checkpoint ${c.id} (${c.createdAt}) was forged or changed: its MAC does not match`);
    else if (c.entryId > 0 && hashes.get(c.entryId) !== c.hash)
      bad(
        c.entryId,
        hashes.has(c.entryId)
          ? `entry ${c.entryId} no longer has the hash checkpoint ${c.id} recorded on ${c.createdAt}`
          : `entry ${c.entryId}, recorded by checkpoint ${c.id} on ${c.createdAt}, is gone`,
      );
  }
  for (const h of heads) {
    if (h.entryId > 0 && hashes.get(h.entryId) !== h.hash)
      bad(
        h.entryId,
        hashes.has(h.entryId)
          ? `entry ${h.entryId} no longer has the hash of the head you kept`
          : `entry ${h.entryId}, named by the head you kept, is gone (the log was truncated or rolled back)`,
      );
  }
  const gone = missingTriggers(db);
  if (gone.length)
    bad(
      null,
      `the append-only trigger${gone.length > 1 ? "s" : ""} ${gone.join(", ")} ${gone.length > 1 ? "are" : "is"} missing or altered`,
    );
  if (problems.length) return { ok: false, entries: n, firstBadId, problem: problems[0]!, problems };
  return { ok: true, entries: n, checkpoints: checkpoints.length, heads: heads.length };
}

/** The actions an evaluation's log holds, for its filter. */
export function auditActions(db: Db, evaluationId: number): string[] {
  return sql(db, "SELECT DISTINCT action FROM audit_log WHERE evaluation_id = ? ORDER BY action")
    .pluck()
    .all(evaluationId) as string[];
}
