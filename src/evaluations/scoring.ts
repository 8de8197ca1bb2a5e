import { answersByVendor, notKnownByVendor } from "../answers/repo.js";
import type { Db } from "../db/index.js";
import { runModel, type ModelInput, type ModelResult } from "../model/index.js";
import { getQuestionSet } from "../questions/repo.js";
import type { QuestionSet } from "../questions/schema.js";
import { evidenceCounts } from "../evidence/repo.js";
import { listVendors, type Vendor } from "../vendors/repo.js";
import { evaluationState } from "./state.js";
import { findEvaluation, type Evaluation } from "./repo.js";

export interface Scored {
  evaluation: Evaluation;
  set: QuestionSet;
  vendors: Vendor[];
  result: ModelResult;
  /** By vendor id (as the model names vendors), the reasons of answers marked "not known yet": the model saw silence. */
  notKnown: Map<string, Record<string, string>>;
}

/** The cost model's input for an evaluation as stored: the one path from the database to the model. */
function modelInput(db: Db, evaluation: Evaluation, vendors: Vendor[], set: QuestionSet): ModelInput {
  const answers = answersByVendor(db, evaluation.id);
  const evidence = evidenceCounts(db, evaluation.id);
  return {
    set,
    evaluation: {
      tier: evaluation.tier,
      horizonYears: evaluation.horizonYears,
      currency: evaluation.currency,
      dayRateMinor: evaluation.dayRateMinor,
      valueEstimateMinor: evaluation.valueEstimateMinor,
      roles: evaluation.roles,
      assumptions: evaluation.assumptions,
      sensitivityRange: evaluation.settings.sensitivityRange,
      unevidencedIncludedAsPartial: evaluation.settings.unevidencedIncludedAsPartial,
      rankUnsubmitted: evaluation.settings.rankUnsubmitted,
      rankOn: evaluation.settings.rankOn,
      gates: evaluation.settings.gates,
    },
    vendors: vendors.flatMap((v) =>
      v.status === "declined"
        ? []
        : [
            {
              id: String(v.id),
              name: v.name,
              status: v.status,
              answers: answers.get(v.id) ?? {},
              evidence: evidence.get(v.id) ?? {},
            },
          ],
    ),
  };
}

/** Scored evaluations kept by their state: a page, its CSV and the API read one model run until an input changes. */
const cache = new Map<string, { state: string; scored: Scored }>();
const CACHED = 8;

/**
 * Scores an evaluation: every figure a page, PDF, CSV, API or CLI shows comes from here. The result
 * is kept while the evaluation's state (evaluationState: settings, vendors, answers, evidence…) is
 * unchanged: a large evaluation's model takes tens of milliseconds, and a committee reads the same
 * figures many times. Callers must not change what it returns.
 */
export function scoreEvaluation(db: Db, evaluationId: number): Scored | undefined {
  const key = `${db.name}#${evaluationId}`;
  const state = evaluationState(db, evaluationId);
  const hit = cache.get(key);
  if (hit && hit.state === state) {
    cache.delete(key);
    cache.set(key, hit);
    return hit.scored;
  }
  const evaluation = findEvaluation(db, evaluationId);
  if (!evaluation) return undefined;
  const set = getQuestionSet(db, evaluation.questionSetId);
  const vendors = listVendors(db, evaluationId);
  const result = runModel(modelInput(db, evaluation, vendors, set));
  const scored = { evaluation, set, vendors, result, notKnown: notKnownByVendor(db, evaluationId) };
  cache.delete(key);
  cache.set(key, { state, scored });
  if (cache.size > CACHED) cache.delete(cache.keys().next().value!);
  return scored;
}
