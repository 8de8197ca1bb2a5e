import { MODEL_ASSUMPTIONS } from "../domain.js";
import type { ScoreContext } from "./score.js";
import type { CostLine, Roi } from "./types.js";

/**
 * Payback month by month: value accrues evenly from the month after go-live; one-off costs
 * fall at the start of their year, recurring costs evenly across it. Naive payback counts only
 * the headline quote; adjusted payback counts every line.
 */
export function roi(ctx: ScoreContext, lines: CostLine[]): Roi | null {
  const value = ctx.evaluation.valueEstimateMinor;
  if (value === null || value === undefined || value <= 0) return null;
  const months = ctx.evaluation.horizonYears * 12;
  const goLive = Math.min(Math.max(Math.round(ctx.assumptions[MODEL_ASSUMPTIONS.goLiveMonth] ?? 0), 0), months);
  const naive = monthlyCost(lines.filter((l) => l.headline), months);
  const adjusted = monthlyCost(lines, months);
  const valueOverHorizon = (value * (months - goLive)) / 12;
  return {
    valuePerYear: value,
    valueOverHorizon: Math.round(valueOverHorizon),
    naivePaybackMonths: payback(naive, value, goLive),
    adjustedPaybackMonths: payback(adjusted, value, goLive),
    naiveNet: Math.round(valueOverHorizon - naive.reduce((a, b) => a + b, 0)),
    adjustedNet: Math.round(valueOverHorizon - adjusted.reduce((a, b) => a + b, 0)),
  };
}

function monthlyCost(lines: CostLine[], months: number): number[] {
  const cost = new Array<number>(months).fill(0);
  for (const l of lines)
    l.years.forEach((amount, y) => {
      if (l.nature === "one_off") cost[y * 12]! += amount;
      else for (let m = 0; m < 12; m++) cost[y * 12 + m]! += amount / 12;
    });
  return cost;
}

function payback(cost: number[], valuePerYear: number, goLive: number): number | null {
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
