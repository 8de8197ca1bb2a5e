import type { ScoreContext } from "./context.js";
import { monthly } from "./schedule.js";
import type { CostLine, Roi, VendorResult } from "./types.js";

/**
 * Payback month by month from signature: value accrues evenly from go-live; each line's cost falls
 * in the months its timing gives (one-off costs in their month, spreads evenly, yearly rates in
 * twelfths). Naive payback counts only the headline quote, adjusted payback every line. A figure
 * whose prices were not asked or not given is left out and says why, never shown at zero cost.
 */
export function roi(ctx: ScoreContext, v: VendorResult): Roi | null {
  const value = ctx.evaluation.valueEstimateMinor;
  if (value === null || value === undefined || value <= 0) return null;
  const months = ctx.horizonMonths;
  const goLive = ctx.goLive;
  const valueOverHorizon = (value * (months - goLive)) / 12;
  const naiveNote = v.entryStatus === "quoted" ? null : v.entryStatus;
  const adjustedNote = !ctx.quotesAsked ? "not_asked" : v.adjustedTotal === null ? "not_quoted" : null;
  const headline = v.lines.filter((l) => l.headline);
  const naive = naiveNote ? null : costByMonth(headline, ctx.evaluation.horizonYears);
  const adjusted = adjustedNote ? null : costByMonth(v.lines, ctx.evaluation.horizonYears);
  const total = (lines: CostLine[]) => lines.reduce((a, l) => a + l.total, 0);
  return {
    valuePerYear: value,
    valueOverHorizon: Math.round(valueOverHorizon),
    naivePaybackMonths: naive ? payback(naive, value, goLive) : null,
    adjustedPaybackMonths: adjusted ? payback(adjusted, value, goLive) : null,
    naiveNet: naive ? Math.round(valueOverHorizon - total(headline)) : null,
    adjustedNet: adjusted ? Math.round(valueOverHorizon - v.pricedTotal) : null,
    naiveNote,
    adjustedNote,
  };
}

function costByMonth(lines: CostLine[], horizonYears: number): Float64Array {
  const cost = new Float64Array(horizonYears * 12);
  for (const l of lines) if (l.total > 0) monthly(l.timing, l.amount, horizonYears, cost);
  return cost;
}

function payback(cost: Float64Array, valuePerYear: number, goLive: number): number | null {
  let spent = 0;
  let earned = 0;
  for (let m = 0; m < cost.length; m++) {
    spent += cost[m]!;
    if (m >= goLive) earned += valuePerYear / 12;
    // Half a minor unit absorbs floating-point drift in the monthly sums.
    if (earned > 0 && earned >= spent - 0.5) return m + 1;
  }
  return null;
}
