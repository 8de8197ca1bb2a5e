import { nowIso, sql, type Db } from "../db/index.js";

/** Evidence files as stored: the rows behind uploads (evidence/uploads.ts), read by the portal, the review page and the report. */

export interface AttachmentRow {
  id: number;
  vendorId: number;
  questionKey: string;
  originalName: string;
  storedName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  deletedAt: string | null;
}

export function findAttachment(db: Db, id: number): AttachmentRow | undefined {
  return sql(
    db,
    `SELECT id, vendor_id AS vendorId, question_key AS questionKey, original_name AS originalName, stored_name AS storedName, mime_type AS mimeType,
    size_bytes AS sizeBytes, sha256, deleted_at AS deletedAt FROM attachments WHERE id = ?`,
  ).get(id) as AttachmentRow | undefined;
}

/** A vendor's evidence file as pages, reports and copies list it. */
export interface EvidenceFile {
  id: number;
  questionKey: string;
  name: string;
  size: number;
  sha256: string;
  createdAt: string;
}

/** A vendor's evidence files not removed, in the order they were uploaded. */
export function listEvidence(db: Db, vendorId: number): EvidenceFile[] {
  return sql(
    db,
    `SELECT id, question_key AS questionKey, original_name AS name, size_bytes AS size, sha256, created_at AS createdAt
    FROM attachments WHERE vendor_id = ? AND deleted_at IS NULL ORDER BY id`,
  ).all(vendorId) as EvidenceFile[];
}

/** Bytes a vendor's live evidence files take, for its quota. */
export function evidenceBytes(db: Db, vendorId: number): number {
  return sql(db, "SELECT coalesce(sum(size_bytes), 0) FROM attachments WHERE vendor_id = ? AND deleted_at IS NULL")
    .pluck()
    .get(vendorId) as number;
}

/** Records a stored file; its id. */
export function insertAttachment(
  db: Db,
  a: {
    vendorId: number;
    questionKey: string;
    name: string;
    storedName: string;
    mimeType: string;
    size: number;
    sha256: string;
    uploadedBy: string;
  },
): number {
  return Number(
    sql(
      db,
      "INSERT INTO attachments (vendor_id, question_key, original_name, stored_name, mime_type, size_bytes, sha256, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ).run(a.vendorId, a.questionKey, a.name, a.storedName, a.mimeType, a.size, a.sha256, a.uploadedBy).lastInsertRowid,
  );
}

/** Marks a file removed from the vendor's evidence: pages, reports and copies no longer list it. */
export function deleteEvidence(db: Db, id: number): void {
  sql(db, "UPDATE attachments SET deleted_at = ? WHERE id = ?").run(nowIso(), id);
}

/** Number of live evidence files per question key, per vendor of an evaluation. */
export function evidenceCounts(db: Db, evaluationId: number): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  const rows = sql(
    db,
    `SELECT a.vendor_id AS vendorId, a.question_key AS questionKey, count(*) AS n FROM attachments a JOIN vendors v ON v.id = a.vendor_id
      WHERE v.evaluation_id = ? AND a.deleted_at IS NULL GROUP BY a.vendor_id, a.question_key`,
  ).all(evaluationId) as { vendorId: number; questionKey: string; n: number }[];
  for (const r of rows) {
    const m = out.get(r.vendorId) ?? {};
    m[r.questionKey] = r.n;
    out.set(r.vendorId, m);
  }
  return out;
}
