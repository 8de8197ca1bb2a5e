import { listAnswers, notesOf, valuesOf } from "../answers/repo.js";
import { listEvidence, type EvidenceFile } from "../evidence/repo.js";
import { listClarifications, type Clarification } from "../clarifications/repo.js";
import { listComments, listDecisions, listTranches, type Comment, type Decision } from "../comparison/repo.js";
import type { Tranche } from "../comparison/present-plan.js";
import type { Db } from "../db/index.js";
import { scoreEvaluation, scoreRounds, type Scored, type ScoredRound } from "../evaluations/scoring.js";
import { listRounds } from "../rounds/repo.js";
import type { AnswerValue } from "../questions/answers.js";

export interface ReportData extends Scored {
  answers: Map<number, Record<string, AnswerValue>>;
  /** The vendors' notes on their answers, by vendor id, then key. */
  notes: Map<number, Record<string, string>>;
  files: Map<number, EvidenceFile[]>;
  clarifications: Map<number, Clarification[]>;
  comments: Comment[];
  decisions: Decision[];
  tranches: Tranche[];
  rounds: ScoredRound[];
  generatedAt: string;
  generatedBy: string;
}

/** Everything the PDF report prints, read once; the figures are the cost model's, from scoreEvaluation. */
export function reportData(
  db: Db,
  evaluationId: number,
  generatedBy: string,
  now = new Date(),
): ReportData | undefined {
  const scored = scoreEvaluation(db, evaluationId);
  if (!scored) return undefined;
  const answers = new Map<number, Record<string, AnswerValue>>();
  const notes = new Map<number, Record<string, string>>();
  const files = new Map<number, EvidenceFile[]>();
  const clarifications = new Map<number, Clarification[]>();
  for (const v of scored.vendors) {
    const stored = listAnswers(db, v.id);
    answers.set(v.id, valuesOf(stored));
    notes.set(v.id, notesOf(stored));
    files.set(v.id, listEvidence(db, v.id));
    clarifications.set(v.id, listClarifications(db, v.id));
  }
  return {
    ...scored,
    answers,
    notes,
    files,
    clarifications,
    comments: listComments(db, evaluationId),
    decisions: listDecisions(db, evaluationId),
    tranches: listTranches(db, evaluationId),
    rounds: scoreRounds(scored, listRounds(db, evaluationId)),
    generatedAt: now.toISOString(),
    generatedBy,
  };
}
