import { listAnswers, notesOf, notKnownOf, valuesOf } from "../answers/repo.js";
import { sql, type Db } from "../db/index.js";
import { findEvaluation } from "../evaluations/repo.js";
import type { AnswerValue } from "../questions/answers.js";
import { progressOf, type Progress } from "../questions/progress.js";
import { getQuestionSet } from "../questions/repo.js";
import type { QuestionSet } from "../questions/schema.js";
import type { Role } from "../domain.js";
import type { Vendor } from "./repo.js";

/** A vendor's answer values by key (cleared answers left out). */
export function answerValues(db: Db, vendorId: number): Record<string, AnswerValue> {
  return valuesOf(listAnswers(db, vendorId));
}

/**
 * A vendor's answers as the progress, the submit rule and the submission hash read them: values,
 * the reasons of those not known yet, and the vendor's notes.
 */
export function answerSheet(
  db: Db,
  vendorId: number,
): { values: Record<string, AnswerValue>; notKnown: Record<string, string>; notes: Record<string, string> } {
  const stored = listAnswers(db, vendorId);
  return { values: valuesOf(stored), notKnown: notKnownOf(stored), notes: notesOf(stored) };
}

/** Recomputes a vendor's stored progress after its answers changed (call in the same transaction); returns it with the answers it counted. */
export function refreshProgress(
  db: Db,
  vendorId: number,
  known?: { set: QuestionSet; roles: readonly Role[] },
): { progress: Progress; values: Record<string, AnswerValue> } {
  let scope = known;
  if (!scope) {
    const v = sql(db, "SELECT evaluation_id AS evaluationId FROM vendors WHERE id = ?").get(vendorId) as {
      evaluationId: number;
    };
    const e = findEvaluation(db, v.evaluationId)!;
    scope = { set: getQuestionSet(db, e.questionSetId), roles: e.roles };
  }
  const { values, notKnown } = answerSheet(db, vendorId);
  const progress = progressOf(scope.set, scope.roles, values, notKnown);
  sql(db, "UPDATE vendors SET progress = ? WHERE id = ?").run(JSON.stringify(progress), vendorId);
  return { progress, values };
}

/**
 * A vendor's progress for a page: as stored with its answers, counted afresh only while it was never
 * stored (a vendor that has not changed an answer yet is stored empty).
 */
export function vendorProgress(
  db: Db,
  vendor: Pick<Vendor, "id" | "progress">,
  scope: { set: QuestionSet; roles: readonly Role[] },
): Progress {
  if (Object.keys(vendor.progress).length) return vendor.progress;
  const { values, notKnown } = answerSheet(db, vendor.id);
  return progressOf(scope.set, scope.roles, values, notKnown);
}

/** A vendor's progress as stored with its answers. */
export function storedProgress(db: Db, vendorId: number): Progress {
  return JSON.parse(sql(db, "SELECT progress FROM vendors WHERE id = ?").pluck().get(vendorId) as string) as Progress;
}
