import { listAnswers } from "../answers/repo.js";
import type { Db } from "../db/index.js";
import { findEvaluation } from "../evaluations/repo.js";
import type { AnswerValue } from "../questions/answers.js";
import { progressOf, type Progress } from "../questions/progress.js";
import { getQuestionSet } from "../questions/repo.js";

/** A vendor's answer values by key (cleared answers left out). */
export function answerValues(db: Db, vendorId: number): Record<string, AnswerValue> {
  const out: Record<string, AnswerValue> = {};
  for (const a of listAnswers(db, vendorId).values()) if (a.value !== null) out[a.questionKey] = a.value;
  return out;
}

/** Recomputes a vendor's stored progress after its answers changed; call in the same transaction. */
export function refreshProgress(db: Db, vendorId: number): Progress {
  const v = db.prepare("SELECT evaluation_id AS evaluationId FROM vendors WHERE id = ?").get(vendorId) as { evaluationId: number };
  const e = findEvaluation(db, v.evaluationId)!;
  const progress = progressOf(getQuestionSet(db, e.questionSetId), e.roles, answerValues(db, vendorId));
  db.prepare("UPDATE vendors SET progress = ? WHERE id = ?").run(JSON.stringify(progress), vendorId);
  return progress;
}
