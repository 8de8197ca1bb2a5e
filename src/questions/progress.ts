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
  /** Required questions shown that the vendor marked "not known yet"; left out when none. */
  notKnown?: number;
}

/** The reasons of answers marked "not known yet", by question key. */
export type NotKnown = Readonly<Record<string, string | undefined>>;

export type Progress = Partial<Record<Role, SectionProgress>>;

/** Progress per role section sent, given a vendor's answers. */
export function progressOf(
  set: QuestionSet,
  roles: readonly Role[],
  answers: Readonly<Record<string, AnswerValue | undefined>>,
  notKnown: NotKnown = {},
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
        else if (notKnown[q.key] !== undefined) p.notKnown = (p.notKnown ?? 0) + 1;
      }
    }
    out[s.role] = p;
  }
  return out;
}

/**
 * Required questions still unanswered, per role, in questionnaire order: with `notKnown`, those
 * marked "not known yet" are left out (see `notKnownRequired`).
 */
export function missingRequired(
  set: QuestionSet,
  roles: readonly Role[],
  answers: Readonly<Record<string, AnswerValue | undefined>>,
  notKnown: NotKnown = {},
): { role: Role; questions: Question[] }[] {
  return requiredWhere(set, roles, answers, (q) => notKnown[q.key] === undefined);
}

/** Required questions unanswered that the vendor marked "not known yet", per role. */
export function notKnownRequired(
  set: QuestionSet,
  roles: readonly Role[],
  answers: Readonly<Record<string, AnswerValue | undefined>>,
  notKnown: NotKnown,
): { role: Role; questions: Question[] }[] {
  return requiredWhere(set, roles, answers, (q) => notKnown[q.key] !== undefined);
}

function requiredWhere(
  set: QuestionSet,
  roles: readonly Role[],
  answers: Readonly<Record<string, AnswerValue | undefined>>,
  keep: (q: Question) => boolean,
): { role: Role; questions: Question[] }[] {
  return set.sections
    .filter((s) => roles.includes(s.role))
    .map((s) => ({
      role: s.role,
      questions: s.questions.filter(
        (q) => q.required && isShown(q, answers) && answers[q.key] === undefined && keep(q),
      ),
    }))
    .filter((x) => x.questions.length > 0);
}

/** Totals across sections. */
export function totalProgress(p: Progress): { answered: number; required: number; notKnown: number } {
  let answered = 0,
    required = 0,
    notKnown = 0;
  for (const s of Object.values(p)) {
    answered += s!.answered;
    required += s!.required;
    notKnown += s!.notKnown ?? 0;
  }
  return { answered, required, notKnown };
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
