import { createHash } from "node:crypto";
import { nowIso, sql, type Db } from "../db/index.js";

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

const GENESIS = "0".repeat(64);

function entryHash(prevHash: string, e: { id: number; evaluationId: number | null; actor: string; action: string; detail: string; createdAt: string }): string {
  return createHash("sha256").update(prevHash).update(JSON.stringify([e.id, e.evaluationId, e.actor, e.action, e.detail, e.createdAt])).digest("hex");
}

/** Appends an audit entry chained to the previous one; call inside the transaction of the change it records. */
export function audit(db: Db, evaluationId: number | null, actor: string, action: string, detail: Record<string, unknown> = {}): void {
  const last = sql(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").get() as { id: number; hash: string } | undefined;
  const id = (last?.id ?? 0) + 1;
  const row = { id, evaluationId, actor, action, detail: JSON.stringify(detail), createdAt: nowIso() };
  const prevHash = last?.hash ?? GENESIS;
  sql(db, "INSERT INTO audit_log (id, evaluation_id, actor, action, detail, created_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
    id, evaluationId, actor, action, row.detail, row.createdAt, prevHash, entryHash(prevHash, row),
  );
}

export interface AuditFilter {
  evaluationId?: number;
  action?: string;
  actor?: string;
  limit?: number;
}

/** Entries newest first, filtered by evaluation, action prefix and actor. */
export function listAudit(db: Db, f: AuditFilter = {}): AuditEntry[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.evaluationId !== undefined) (where.push("evaluation_id = ?"), args.push(f.evaluationId));
  if (f.action) (where.push("action LIKE ? ESCAPE '\\'"), args.push(f.action.replace(/[\\%_]/g, "\\$&") + "%"));
  if (f.actor) (where.push("actor LIKE ? ESCAPE '\\'"), args.push("%" + f.actor.replace(/[\\%_]/g, "\\$&") + "%"));
  const rows = sql(db, `SELECT id, evaluation_id AS evaluationId, actor, action, detail, created_at AS createdAt, prev_hash AS prevHash, hash
      FROM audit_log ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY id DESC LIMIT ?`)
    .all(...args, f.limit ?? 500) as (Omit<AuditEntry, "detail"> & { detail: string })[];
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

export type VerifyResult = { ok: true; entries: number } | { ok: false; entries: number; firstBadId: number; problem: string };

/** Walks the chain; reports the first entry that was changed, or that follows a removed one. */
export function verifyAudit(db: Db): VerifyResult {
  let prevHash = GENESIS;
  let expectedId = 1;
  let n = 0;
  for (const r of sql(db, "SELECT id, evaluation_id AS evaluationId, actor, action, detail, created_at AS createdAt, prev_hash AS prevHash, hash FROM audit_log ORDER BY id").iterate() as Iterable<
    Omit<AuditEntry, "detail"> & { detail: string }
  >) {
    n++;
    if (r.id !== expectedId || r.prevHash !== prevHash)
      return { ok: false, entries: n, firstBadId: r.id, problem: r.id !== expectedId ? `entry ${expectedId} is missing (removed)` : `entry ${r.id} does not follow the entry before it (an earlier entry was removed or changed)` };
    if (entryHash(prevHash, r) !== r.hash) return { ok: false, entries: n, firstBadId: r.id, problem: `entry ${r.id} was changed after it was written` };
    prevHash = r.hash;
    expectedId++;
  }
  return { ok: true, entries: n };
}
