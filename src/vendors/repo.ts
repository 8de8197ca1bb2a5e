import { sql, type Db } from "../db/index.js";
import type { OptionKind } from "../model/index.js";
import type { Progress } from "../questions/progress.js";

/** A vendor's offer, or an option the buyer's own team answers: build in-house, or a platform run by its own team. */
export const OPTION_KINDS = ["vendor", "build", "platform"] as const satisfies readonly OptionKind[];
export type { OptionKind };

export const VENDOR_STATUSES = ["invited", "in_progress", "submitted", "declined"] as const;
export type VendorStatus = (typeof VENDOR_STATUSES)[number];

export interface Vendor {
  id: number;
  evaluationId: number;
  name: string;
  contactName: string;
  contactEmail: string;
  kind: OptionKind;
  status: VendorStatus;
  submittedAt: string | null;
  submissionHash: string | null;
  declinedReason: string | null;
  reopenReason: string | null;
  progress: Progress;
  createdAt: string;
}

/** The columns of a vendor row as its fields (see `toVendor`). */
const vendorColumns = `id, evaluation_id AS evaluationId, name, contact_name AS contactName, contact_email AS contactEmail, kind, status,
  submitted_at AS submittedAt, submission_hash AS submissionHash, declined_reason AS declinedReason, reopen_reason AS reopenReason, progress, created_at AS createdAt`;

type Row = Omit<Vendor, "progress"> & { progress: string };
const toVendor = (r: Row): Vendor => ({ ...r, progress: JSON.parse(r.progress) as Progress });

export function insertVendor(
  db: Db,
  v: Pick<Vendor, "evaluationId" | "name" | "contactName" | "contactEmail"> &
    Partial<Pick<Vendor, "status" | "submittedAt" | "declinedReason" | "kind">>,
): number {
  return Number(
    sql(
      db,
      "INSERT INTO vendors (evaluation_id, name, contact_name, contact_email, kind, status, submitted_at, declined_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ).run(
      v.evaluationId,
      v.name,
      v.contactName,
      v.contactEmail,
      v.kind ?? "vendor",
      v.status ?? "invited",
      v.submittedAt ?? null,
      v.declinedReason ?? null,
    ).lastInsertRowid,
  );
}

export function findVendor(db: Db, id: number): Vendor | undefined {
  const r = sql(db, `SELECT ${vendorColumns} FROM vendors WHERE id = ?`).get(id) as Row | undefined;
  return r && toVendor(r);
}

/** Vendors of an evaluation in the order they were added. */
export function listVendors(db: Db, evaluationId: number): Vendor[] {
  return (
    sql(db, `SELECT ${vendorColumns} FROM vendors WHERE evaluation_id = ? ORDER BY id`).all(evaluationId) as Row[]
  ).map(toVendor);
}

/** Vendors of several evaluations, for the dashboard. */
export function listVendorsOf(db: Db, evaluationIds: number[]): Vendor[] {
  if (evaluationIds.length === 0) return [];
  return (
    sql(
      db,
      `SELECT ${vendorColumns} FROM vendors WHERE evaluation_id IN (${evaluationIds.map(() => "?").join(",")}) ORDER BY id`,
    ).all(...evaluationIds) as Row[]
  ).map(toVendor);
}

/** Every access link of an evaluation's vendors, live or not. */
export function listLinksOfEvaluation(
  db: Db,
  evaluationId: number,
): {
  id: number;
  vendorId: number;
  role: string | null;
  holderName: string;
  holderEmail: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}[] {
  return sql(
    db,
    `SELECT l.id, l.vendor_id AS vendorId, l.role, l.holder_name AS holderName, l.holder_email AS holderEmail, l.expires_at AS expiresAt,
      l.revoked_at AS revokedAt, l.last_used_at AS lastUsedAt, l.created_at AS createdAt FROM vendor_links l JOIN vendors v ON v.id = l.vendor_id WHERE v.evaluation_id = ? ORDER BY l.id`,
  ).all(evaluationId) as never;
}

/** Vendors of an evaluation that have not declined. */
export function countActiveVendors(db: Db, evaluationId: number): number {
  return sql(db, "SELECT count(*) FROM vendors WHERE evaluation_id = ? AND status != 'declined'")
    .pluck()
    .get(evaluationId) as number;
}

/** Whether a vendor belongs to an evaluation. */
export function vendorOf(db: Db, vendorId: number, evaluationId: number): boolean {
  return !!sql(db, "SELECT 1 FROM vendors WHERE id = ? AND evaluation_id = ?").get(vendorId, evaluationId);
}

/** The buyer reopens a submitted questionnaire, with the reason the vendor sees. */
export function reopenVendor(db: Db, vendorId: number, reason: string): void {
  sql(db, "UPDATE vendors SET status = 'in_progress', reopen_reason = ? WHERE id = ?").run(reason, vendorId);
}

/** The vendor declines to respond, with its reason. */
export function declineVendor(db: Db, vendorId: number, reason: string): void {
  sql(db, "UPDATE vendors SET status = 'declined', declined_reason = ? WHERE id = ?").run(reason, vendorId);
}

/**
 * The newest submitted questionnaire of the same contact in another evaluation of the same
 * question set (by its key, any version): where a re-invited vendor's answers are carried from.
 */
export function lastSubmission(
  db: Db,
  v: { contactEmail: string; evaluationId: number },
): { vendorId: number; title: string } | undefined {
  return sql(
    db,
    `SELECT v.id AS vendorId, e.title FROM vendors v JOIN evaluations e ON e.id = v.evaluation_id
      JOIN question_sets s ON s.id = e.question_set_id
      WHERE lower(v.contact_email) = lower(?) AND v.status = 'submitted' AND v.evaluation_id != ?
        AND s.set_key = (SELECT s2.set_key FROM evaluations e2 JOIN question_sets s2 ON s2.id = e2.question_set_id WHERE e2.id = ?)
      ORDER BY v.submitted_at DESC LIMIT 1`,
  ).get(v.contactEmail, v.evaluationId, v.evaluationId) as { vendorId: number; title: string } | undefined;
}
