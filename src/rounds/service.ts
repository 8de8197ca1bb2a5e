import { audit } from "../audit/repo.js";
import type { Db } from "../db/index.js";
import { findEvaluation } from "../evaluations/repo.js";
import { scoreRounds, vendorInputs } from "../evaluations/scoring.js";
import { getQuestionSet } from "../questions/repo.js";
import type { Vendor } from "../vendors/repo.js";
import { closeRound, findRound } from "./repo.js";

/**
 * On a resubmission, inside its transaction: closes the vendor's open round with every vendor's
 * input as it now stands, and audits what the round changed (the vendor's total and rank before
 * and after, and whether the ranking moved), as the model computes it from both sides.
 */
export function closeRoundOnSubmit(db: Db, vendor: Vendor, evaluationId: number, actor: string): void {
  const id = closeRound(db, vendor.id, vendorInputs(db, evaluationId));
  if (id === undefined) return;
  const evaluation = findEvaluation(db, evaluationId)!;
  const round = findRound(db, id)!;
  const [scored] = scoreRounds({ evaluation, set: getQuestionSet(db, evaluation.questionSetId) }, [round]);
  const d = scored!.diff;
  audit(db, evaluationId, actor, "round.resubmitted", {
    vendor: vendor.name,
    round: round.number,
    currency: evaluation.currency,
    totalBefore: d?.totalBefore ?? null,
    totalAfter: d?.totalAfter ?? null,
    rankBefore: d?.rankBefore ?? null,
    rankAfter: d?.rankAfter ?? null,
    rankingMoved: d?.rankingMoved ?? false,
    answersChanged: d?.answers.map((a) => a.questionKey) ?? [],
  });
}
