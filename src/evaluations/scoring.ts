import { answersByVendor, notKnownByVendor } from "../answers/repo.js";
import type { Db } from "../db/index.js";
import {
  roundDiff,
  runModel,
  type ModelInput,
  type ModelResult,
  type ModelVendor,
  type RoundDiff,
} from "../model/index.js";
import type { Round } from "../rounds/repo.js";
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
  return { set, evaluation: evaluationInput(evaluation), vendors: vendorInputs(db, evaluation.id, vendors) };
}

function evaluationInput(evaluation: Evaluation): ModelInput["evaluation"] {
  return {
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
  };
}

/** Every vendor's answers and evidence as the model reads them (declined vendors left out): what a revision round keeps. */
export function vendorInputs(db: Db, evaluationId: number, vendors = listVendors(db, evaluationId)): ModelVendor[] {
  const answers = answersByVendor(db, evaluationId);
  const evidence = evidenceCounts(db, evaluationId);
  return vendors.flatMap((v) =>
    v.status === "declined"
      ? []
      : [
          {
            id: String(v.id),
            name: v.name,
            ...(v.kind === "vendor" ? {} : { kind: v.kind }),
            status: v.status,
            answers: answers.get(v.id) ?? {},
            evidence: evidence.get(v.id) ?? {},
          },
        ],
  );
}

/** A round with what it changed: both sides run through the model with today's settings; `diff` is null while the vendor revises. */
export interface ScoredRound {
  round: Round;
  diff: RoundDiff | null;
}

/**
 * The evaluation's revision rounds, each side priced again by the model with the evaluation's
 * current settings (without the Monte Carlo ranges and the asks, which a round's diff does not show).
 */
export function scoreRounds(scored: Pick<Scored, "evaluation" | "set">, rounds: readonly Round[]): ScoredRound[] {
  const run = (vendors: ModelVendor[]) =>
    runModel({ set: scored.set, evaluation: evaluationInput(scored.evaluation), vendors, draws: 0, asks: false });
  return rounds.map((round) => {
    if (!round.after) return { round, diff: null };
    const id = String(round.vendorId);
    const diff = roundDiff(run(round.before), run(round.after), id, {
      before: round.before.find((v) => v.id === id),
      after: round.after.find((v) => v.id === id),
    });
    return { round, diff };
  });
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
