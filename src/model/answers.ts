import { coverageStatus, type AnswerValue } from "../questions/answers.js";
import type { Item, StaticContext } from "./context.js";

export type Answers = Readonly<Record<string, AnswerValue | undefined>>;

/** How a question stands for one vendor: answered, asked without an answer, not asked, or hidden by another answer (shows_if). */
export type State =
  { source: "answered"; value: AnswerValue } | { source: "silent" } | { source: "not_asked" } | { source: "hidden" };

const SILENT: State = { source: "silent" };
const NOT_ASKED: State = { source: "not_asked" };
const HIDDEN: State = { source: "hidden" };

/**
 * The state of a question. A question whose condition (shows_if) depends on an answer that is
 * missing counts as shown: silence about whether a cost applies never removes the cost.
 */
export function stateOf(ctx: StaticContext, item: Item, answers: Answers): State {
  if (!item.asked) return NOT_ASKED;
  const cond = item.q.shows_if;
  if (cond) {
    const source = ctx.byKey.get(cond.question);
    const decided = source?.asked ? answers[cond.question] : undefined;
    if (decided !== undefined && !matches(cond.in, decided)) return HIDDEN;
  }
  const value = answers[item.q.key];
  return value === undefined ? SILENT : { source: "answered", value };
}

/** Whether an answer is one of the listed values (coverage by status, multi-choice by any option). */
export function matches(values: readonly (string | boolean)[], answer: AnswerValue): boolean {
  const actual = coverageStatus(answer) ?? answer;
  if (Array.isArray(actual)) return actual.some((v) => values.includes(v));
  return values.includes(actual as string | boolean);
}
