import { createHash } from "node:crypto";
import { saveAnswer, type SaveResult } from "../answers/repo.js";
import { audit } from "../audit/repo.js";
import type { Db } from "../db/index.js";
import { nowIso } from "../db/index.js";
import type { AnswerValue } from "../questions/answers.js";
import { refreshProgress, answerValues } from "../vendors/service.js";
import type { Vendor } from "../vendors/repo.js";
import type { Progress } from "../questions/progress.js";
import type { QuestionSet } from "../questions/schema.js";
import type { Role } from "../domain.js";

export type VendorSave = SaveResult & { values?: Record<string, AnswerValue>; progress?: Progress };

/** Saves one answer for a vendor in one transaction: revision check, history, progress, status and audit together; a change returns the answers and progress after it. */
export function saveVendorAnswer(db: Db, vendor: Vendor, evaluationId: number, key: string, value: AnswerValue | null, expectedRevision: number, actor: string, scope?: { set: QuestionSet; roles: readonly Role[] }): VendorSave {
  return db.transaction((): VendorSave => {
    const r: VendorSave = saveAnswer(db, { vendorId: vendor.id, questionKey: key, value, expectedRevision, actor });
    if (r.ok && r.changed) {
      Object.assign(r, refreshProgress(db, vendor.id, scope));
      if (vendor.status === "invited") db.prepare("UPDATE vendors SET status = 'in_progress' WHERE id = ? AND status = 'invited'").run(vendor.id);
      audit(db, evaluationId, actor, "answer.changed", { vendor: vendor.name, question: key, revision: r.revision });
    }
    return r;
  }).immediate();
}

/** The hash that identifies a submission: SHA-256 over the vendor, the time and every answer in key order. */
export function submissionHash(vendorId: number, submittedAt: string, answers: Record<string, AnswerValue>): string {
  const ordered = Object.keys(answers).sort().map((k) => [k, answers[k]]);
  return createHash("sha256").update(JSON.stringify({ vendorId, submittedAt, answers: ordered })).digest("hex");
}

/** Marks a vendor's questionnaire submitted, with its hash; returns the hash. */
export function submit(db: Db, vendor: Vendor, evaluationId: number, actor: string): string {
  return db.transaction(() => {
    const at = nowIso();
    const hash = submissionHash(vendor.id, at, answerValues(db, vendor.id));
    db.prepare("UPDATE vendors SET status = 'submitted', submitted_at = ?, submission_hash = ?, reopen_reason = NULL WHERE id = ?").run(at, hash, vendor.id);
    audit(db, evaluationId, actor, "vendor.submitted", { vendor: vendor.name, hash });
    return hash;
  }).immediate();
}
