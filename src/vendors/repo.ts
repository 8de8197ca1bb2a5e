import { sql, type Db } from "../db/index.js";
import type { Progress } from "../questions/progress.js";

export const VENDOR_STATUSES = ["invited", "in_progress", "submitted", "declined"] as const;
export type VendorStatus = (typeof VENDOR_STATUSES)[number];

export interface Vendor {
  id: number;
  evaluationId: number;
  name: string;
  contactName: string;
  contactEmail: string;
  status: VendorStatus;
  submittedAt: string | null;
  submissionHash: string | null;
  declinedReason: string | null;
  reopenReason: string | null;
  progress: Progress;
  createdAt: string;
}

/** The columns of a vendor row as its fields (see `toVendor`). */
const vendorColumns = `id, evaluation_id AS evaluationId, name, contact_name AS contactName, contact_email AS contactEmail, status,
  submitted_at AS submittedAt, submission_hash AS submissionHash, declined_reason AS declinedReason, reopen_reason AS reopenReason, progress, created_at AS createdAt`;

type Row = Omit<Vendor, "progress"> & { progress: string };
const toVendor = (r: Row): Vendor => ({ ...r, progress: JSON.parse(r.progress) as Progress });

export function insertVendor(db: Db, v: Pick<Vendor, "evaluationId" | "name" | "contactName" | "contactEmail"> & Partial<Pick<Vendor, "status" | "submittedAt" | "declinedReason">>): number {
  return Number(
    sql(db, "INSERT INTO vendors (evaluation_id, name, contact_name, contact_email, status, submitted_at, declined_reason) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(v.evaluationId, v.name, v.contactName, v.contactEmail, v.status ?? "invited", v.submittedAt ?? null, v.declinedReason ?? null).lastInsertRowid,
  );
}

export function findVendor(db: Db, id: number): Vendor | undefined {
  const r = sql(db, `SELECT ${vendorColumns} FROM vendors WHERE id = ?`).get(id) as Row | undefined;
  return r && toVendor(r);
}

/** Vendors of an evaluation in the order they were added. */
export function listVendors(db: Db, evaluationId: number): Vendor[] {
  return (sql(db, `SELECT ${vendorColumns} FROM vendors WHERE evaluation_id = ? ORDER BY id`).all(evaluationId) as Row[]).map(toVendor);
}

/** Vendors of several evaluations, for the dashboard. */
export function listVendorsOf(db: Db, evaluationIds: number[]): Vendor[] {
  if (evaluationIds.length === 0) return [];
  return (sql(db, `SELECT ${vendorColumns} FROM vendors WHERE evaluation_id IN (${evaluationIds.map(() => "?").join(",")}) ORDER BY id`).all(...evaluationIds) as Row[]).map(toVendor);
}

/** Number of live evidence files per question key, per vendor of an evaluation. */
export function evidenceCounts(db: Db, evaluationId: number): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  const rows = sql(db, `SELECT a.vendor_id AS vendorId, a.question_key AS questionKey, count(*) AS n FROM attachments a JOIN vendors v ON v.id = a.vendor_id
      WHERE v.evaluation_id = ? AND a.deleted_at IS NULL GROUP BY a.vendor_id, a.question_key`)
    .all(evaluationId) as { vendorId: number; questionKey: string; n: number }[];
  for (const r of rows) {
    const m = out.get(r.vendorId) ?? {};
    m[r.questionKey] = r.n;
    out.set(r.vendorId, m);
  }
  return out;
}

/** Every access link of an evaluation's vendors, live or not. */
export function listLinksOfEvaluation(db: Db, evaluationId: number): { id: number; vendorId: number; role: string | null; holderName: string; holderEmail: string; expiresAt: string; revokedAt: string | null; lastUsedAt: string | null }[] {
  return sql(db, `SELECT l.id, l.vendor_id AS vendorId, l.role, l.holder_name AS holderName, l.holder_email AS holderEmail, l.expires_at AS expiresAt,
      l.revoked_at AS revokedAt, l.last_used_at AS lastUsedAt FROM vendor_links l JOIN vendors v ON v.id = l.vendor_id WHERE v.evaluation_id = ? ORDER BY l.id`).all(evaluationId) as never;
}
