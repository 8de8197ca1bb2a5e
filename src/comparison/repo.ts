import type { Db } from "../db/index.js";
import { nowIso, sql } from "../db/index.js";
import type { Phase, Role } from "../domain.js";
import type { Tranche } from "./present-plan.js";

export interface Comment {
  id: number;
  userName: string;
  userRole: string;
  body: string;
  createdAt: string;
}

/** The evaluation's comments in the order written: all of them, or the newest `newest`. */
export function listComments(db: Db, evaluationId: number, newest = -1): Comment[] {
  return db
    .prepare(
      `SELECT * FROM (SELECT c.id, u.name AS userName, u.role AS userRole, c.body, c.created_at AS createdAt FROM comments c JOIN users u ON u.id = c.user_id
    WHERE c.evaluation_id = ? ORDER BY c.id DESC LIMIT ?) ORDER BY id`,
    )
    .all(evaluationId, newest) as Comment[];
}

export function countComments(db: Db, evaluationId: number): number {
  return db.prepare("SELECT count(*) FROM comments WHERE evaluation_id = ?").pluck().get(evaluationId) as number;
}

export function addComment(db: Db, evaluationId: number, userId: number, body: string): void {
  db.prepare("INSERT INTO comments (evaluation_id, user_id, body) VALUES (?, ?, ?)").run(evaluationId, userId, body);
}

export type Outcome = "approve" | "approve_with_conditions" | "reject_all";

export interface Decision {
  id: number;
  outcome: Outcome;
  vendorId: number | null;
  vendorName: string | null;
  conditions: string | null;
  reason: string;
  status: "proposed" | "recorded" | "withdrawn";
  createdBy: string;
  createdAt: string;
  recordedAt: string | null;
  signatures: { userName: string; committeeRole: Role; signedAt: string }[];
}

export function listDecisions(db: Db, evaluationId: number): Decision[] {
  const rows = db
    .prepare(
      `SELECT d.id, d.outcome, d.vendor_id AS vendorId, v.name AS vendorName, d.conditions, d.reason, d.status, u.name AS createdBy, d.created_at AS createdAt, d.recorded_at AS recordedAt
    FROM decisions d JOIN users u ON u.id = d.created_by LEFT JOIN vendors v ON v.id = d.vendor_id WHERE d.evaluation_id = ? ORDER BY d.id DESC`,
    )
    .all(evaluationId) as Omit<Decision, "signatures">[];
  const sigs = db.prepare(
    `SELECT u.name AS userName, s.committee_role AS committeeRole, s.signed_at AS signedAt FROM decision_signatures s JOIN users u ON u.id = s.user_id WHERE s.decision_id = ? ORDER BY s.signed_at`,
  );
  return rows.map((r) => ({ ...r, signatures: sigs.all(r.id) as Decision["signatures"] }));
}

export function proposeDecision(
  db: Db,
  d: {
    evaluationId: number;
    outcome: Outcome;
    vendorId: number | null;
    conditions: string | null;
    reason: string;
    userId: number;
  },
): number {
  db.prepare("UPDATE decisions SET status = 'withdrawn' WHERE evaluation_id = ? AND status = 'proposed'").run(
    d.evaluationId,
  );
  return Number(
    db
      .prepare(
        "INSERT INTO decisions (evaluation_id, outcome, vendor_id, conditions, reason, created_by) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(d.evaluationId, d.outcome, d.vendorId, d.conditions, d.reason, d.userId).lastInsertRowid,
  );
}

export function sign(db: Db, decisionId: number, userId: number, role: Role): void {
  db.prepare("INSERT OR IGNORE INTO decision_signatures (decision_id, user_id, committee_role) VALUES (?, ?, ?)").run(
    decisionId,
    userId,
    role,
  );
}

/** The roles still to sign a proposed decision, of those the evaluation names. */
export function missingSignatures(db: Db, decisionId: number, roles: readonly Role[]): Role[] {
  const signed = new Set(
    db
      .prepare("SELECT committee_role FROM decision_signatures WHERE decision_id = ?")
      .pluck()
      .all(decisionId) as Role[],
  );
  return roles.filter((r) => !signed.has(r));
}

export function recordDecision(db: Db, decisionId: number): void {
  db.prepare("UPDATE decisions SET status = 'recorded', recorded_at = ? WHERE id = ?").run(nowIso(), decisionId);
}

export interface ReportRow {
  id: number;
  sha256: string;
  fileName: string;
  sizeBytes: number;
  generatedBy: string;
  createdAt: string;
}

export function listReports(db: Db, evaluationId: number): ReportRow[] {
  return db
    .prepare(
      "SELECT id, sha256, file_name AS fileName, size_bytes AS sizeBytes, generated_by AS generatedBy, created_at AS createdAt FROM reports WHERE evaluation_id = ? ORDER BY id DESC",
    )
    .all(evaluationId) as ReportRow[];
}

/** A stored report of an evaluation: its file's name and when it was made. */
export function findReport(
  db: Db,
  id: number,
  evaluationId: number,
): { fileName: string; createdAt: string } | undefined {
  return sql(
    db,
    "SELECT file_name AS fileName, created_at AS createdAt FROM reports WHERE id = ? AND evaluation_id = ?",
  ).get(id, evaluationId) as { fileName: string; createdAt: string } | undefined;
}

/** A decision of an evaluation, with its status. */
export function findDecision(db: Db, id: number, evaluationId: number): { id: number; status: string } | undefined {
  return sql(db, "SELECT id, status FROM decisions WHERE id = ? AND evaluation_id = ?").get(id, evaluationId) as
    { id: number; status: string } | undefined;
}

/** The committee's funding tranches of an evaluation, oldest first (see comparison/present-plan.ts). */
export function listTranches(db: Db, evaluationId: number): Tranche[] {
  return sql(
    db,
    `SELECT t.vendor_id AS vendorId, t.through_phase AS throughPhase, t.note, u.name AS userName, t.created_at AS createdAt
    FROM funding_tranches t JOIN users u ON u.id = t.created_by WHERE t.evaluation_id = ? ORDER BY t.id`,
  ).all(evaluationId) as Tranche[];
}

export function addTranche(
  db: Db,
  t: { evaluationId: number; vendorId: number; throughPhase: Phase; note: string; userId: number },
): number {
  return Number(
    sql(
      db,
      "INSERT INTO funding_tranches (evaluation_id, vendor_id, through_phase, note, created_by) VALUES (?, ?, ?, ?, ?)",
    ).run(t.evaluationId, t.vendorId, t.throughPhase, t.note, t.userId).lastInsertRowid,
  );
}
