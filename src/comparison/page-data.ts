import type { Db } from "../db/index.js";
import { evaluationState } from "../evaluations/state.js";
import { scoreEvaluation, scoreRounds } from "../evaluations/scoring.js";
import { listRounds } from "../rounds/repo.js";
import { comparisonCharts, type Chart } from "../report/charts.js";
import { chartSvg } from "../report/svg.js";
import { presentComparison, type ComparisonView } from "./present.js";
import { listDecisions, listTranches } from "./repo.js";

/** What the comparison page shows of the cost model: the presenter's view and the charts as SVG. */
export interface PageData {
  view: ComparisonView;
  charts: { title: string; svg: string; table: Chart["table"] }[];
}

/** With more vendors than this, a vendor's cost lines are linked to rather than shown on the page. */
const INLINE_LINES = 10;

/**
 * The comparison page's figures, words and charts for an evaluation. Pages of many vendors carry
 * no cost lines (each vendor's page has them), so what is passed around stays small.
 */
export function comparisonPageData(db: Db, evaluationId: number): PageData | undefined {
  const scored = scoreEvaluation(db, evaluationId);
  if (!scored) return undefined;
  const result = scored.result;
  const lines = result.vendors.length <= INLINE_LINES;
  const view = presentComparison(result, scored.set, {
    lines,
    notKnown: scored.notKnown,
    decisions: listDecisions(db, evaluationId),
    tranches: listTranches(db, evaluationId),
    rounds: scoreRounds(scored, listRounds(db, evaluationId)),
  });
  if (!lines) for (const v of view.vendors) v.result = { ...v.result, lines: [] };
  return { view, charts: comparisonCharts(result).map((c) => ({ title: c.title, svg: chartSvg(c), table: c.table })) };
}

/** Whether an evaluation is large enough for its page's model to be run off the request thread. */
export function isLarge(vendors: number, horizonYears: number): boolean {
  return vendors * horizonYears >= 100;
}

/** The state the page data was made from, for keeping it (see comparison/routes.ts). */
export { evaluationState };
