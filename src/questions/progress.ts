import type { Role } from "../domain.js";
import { isShown, type AnswerValue } from "./answers.js";
import type { Question, QuestionSet } from "./schema.js";

export interface SectionProgress {
  /** Required questions answered. */
  answered: number;
  /** Required questions shown (a question hidden by shows_if is not required). */
  required: number;
  /** Every shown question answered, required or not. */
  answeredAll: number;
  shown: number;
}

export type Progress = Partial<Record<Role, SectionProgress>>;

/** Progress per role section sent, given a vendor's answers. */
export function progressOf(
  set: QuestionSet,
  roles: readonly Role[],
  answers: Readonly<Record<string, AnswerValue | undefined>>,
): Progress {
  const out: Progress = {};
  for (const s of set.sections) {
    if (!roles.includes(s.role)) continue;
    const p: SectionProgress = { answered: 0, required: 0, answeredAll: 0, shown: 0 };
    for (const q of s.questions) {
      if (!isShown(q, answers)) continue;
      const has = answers[q.key] !== undefined;
      p.shown++;
      if (has) p.answeredAll++;
      if (q.required) {
        p.required++;
        if (has) p.answered++;
      }
    }
    out[s.role] = p;
  }
  return out;
}

/** Required questions still unanswered, per role, in questionnaire order. */
export function missingRequired(
  set: QuestionSet,
  roles: readonly Role[],
  answers: Readonly<Record<string, AnswerValue | undefined>>,
): { role: Role; questions: Question[] }[] {
  return set.sections
    .filter((s) => roles.includes(s.role))
    .map((s) => ({
      role: s.role,
      questions: s.questions.filter((q) => q.required && isShown(q, answers) && answers[q.key] === undefined),
    }))
    .filter((x) => x.questions.length > 0);
}

/** Totals across sections. */
export function totalProgress(p: Progress): { answered: number; required: number } {
  let answered = 0,
    required = 0;
  for (const s of Object.values(p)) {
    answered += s!.answered;
    required += s!.required;
  }
  return { answered, required };
}

const MINUTES: Record<Question["type"], number> = {
  coverage: 1,
  money: 2,
  number: 1,
  percent: 0.5,
  yes_no: 0.5,
  single_choice: 0.5,
  multi_choice: 1,
  date: 0.5,
  text: 3,
};

/** A fair estimate of the minutes a section takes a prepared person, for the invitation and landing page. */
export function estimateMinutes(questions: readonly Question[]): number {
  const m = questions.reduce((s, q) => s + MINUTES[q.type] + (q.evidence ? 1 : 0), 0);
  return Math.max(5, Math.ceil(m / 5) * 5);
}
