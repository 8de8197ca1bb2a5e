import type { ScoreContext } from "./context.js";
import { discounted, discountFactors, lineMonths, paybackMonth, rampMonths, valueMonths } from "./present.js";
import type { VendorPlan } from "./plan.js";
import type { CostLine, Roi, VendorResult } from "./types.js";

/**
 * Payback and net value, month by month from signature. Value starts at the vendor's go-live (its
 * own estimate when later than the buyer's plan; silence takes the latest any vendor states) and
 * rises along the ramp its rollout plan implies. Each line's cost falls in the months its timing
 * gives. Naive payback counts only the headline quote, adjusted payback every line; the present
 * values discount both at the evaluation's rate. A figure whose prices were not asked or not given
 * is left out and says why, never shown at zero cost.
 */
export function roi(ctx: ScoreContext, plan: VendorPlan, v: VendorResult): Roi | null {
  const value = ctx.evaluation.valueEstimateMinor;
  if (value === null || value === undefined || value <= 0) return null;
  const months = ctx.horizonMonths;
  const years = ctx.evaluation.horizonYears;
  const goLive = Math.min(months, Math.max(ctx.goLive, plan.goLive ?? ctx.latestGoLive ?? ctx.goLive));
  const ramp = rampMonths(ctx, plan.ramp);
  const flow = valueMonths(value, months, goLive, ramp);
  const factors = discountFactors(ctx.discountRate, months);
  let valueOverHorizon = 0;
  for (const x of flow) valueOverHorizon += x;
  const valuePresent = discounted(flow, factors);
  const naiveNote = v.entryStatus === "quoted" ? null : v.entryStatus;
  const adjustedNote = !ctx.quotesAsked ? "not_asked" : v.adjustedTotal === null ? "not_quoted" : null;
  const headline = v.lines.filter((l) => l.headline);
  const naive = naiveNote ? null : costByMonth(headline, years);
  const adjusted = adjustedNote ? null : costByMonth(v.lines, years);
  const total = (lines: CostLine[]) => lines.reduce((a, l) => a + l.total, 0);
  return {
    valuePerYear: value,
    valueOverHorizon: Math.round(valueOverHorizon),
    goLiveMonth: goLive,
    rampMonths: ramp,
    naivePaybackMonths: naive ? paybackMonth(naive, flow) : null,
    adjustedPaybackMonths: adjusted ? paybackMonth(adjusted, flow) : null,
    naiveNet: naive ? Math.round(valueOverHorizon - total(headline)) : null,
    adjustedNet: adjusted ? Math.round(valueOverHorizon - v.pricedTotal) : null,
    naiveNote,
    adjustedNote,
    discountRate: ctx.discountRate,
    valuePresent,
    npv: adjusted && v.presentTotal !== null ? valuePresent - v.presentTotal : null,
    discountedPaybackMonths: adjusted ? paybackMonth(adjusted, flow, factors) : null,
  };
}

function costByMonth(lines: CostLine[], horizonYears: number): Float64Array {
  const cost = new Float64Array(horizonYears * 12);
  for (const l of lines) {
    const m = lineMonths(l, horizonYears);
    for (let i = 0; i < m.length; i++) cost[i]! += m[i]!;
  }
  return cost;
}
