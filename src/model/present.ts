import type { ScoreContext } from "./context.js";
import { monthly, roundMinor } from "./schedule.js";
import type { CostLine } from "./types.js";

/**
 * Present values. Every month's money is discounted to signature (month 0) at the evaluation's
 * yearly discount rate: a cost or value in month m counts (1 + rate)^(-m/12). Monthly, because
 * when a cost falls (before or after go-live, at exit) is what separates a one-off-heavy offer from
 * a licence-heavy one.
 */
export function discountFactors(rate: number, months: number): Float64Array {
  const f = new Float64Array(months);
  const monthly = (1 + rate) ** (-1 / 12);
  let x = 1;
  for (let m = 0; m < months; m++) ((f[m] = x), (x *= monthly));
  return f;
}

/** A line's cost month by month over the horizon. */
export function lineMonths(l: CostLine, horizonYears: number): Float64Array {
  const cost = new Float64Array(horizonYears * 12);
  if (l.total > 0) monthly(l.timing, l.amount, horizonYears, cost);
  return cost;
}

/**
 * A line's present value from its yearly amounts as the model rounds them: each year's amount is
 * discounted by the months it falls in (weighted by the line's monthly flow), so that at a rate of
 * 0 the present value is the line's total exactly, and it never exceeds it.
 */
export function linePresentValue(l: CostLine, horizonYears: number, factors: Float64Array): number {
  if (l.total <= 0) return 0;
  const flow = lineMonths(l, horizonYears);
  let s = 0;
  for (let y = 0; y < horizonYears; y++) {
    if (l.years[y] === 0) continue;
    let weight = 0;
    let weighted = 0;
    for (let m = y * 12; m < y * 12 + 12; m++) ((weight += flow[m]!), (weighted += flow[m]! * factors[m]!));
    // A year with an amount but no flow (a clamped figure) is discounted at its middle.
    s += l.years[y]! * (weight > 0 ? weighted / weight : factors[y * 12 + 6]!);
  }
  return Math.min(l.total, roundMinor(s));
}

/** Σ flow[m] × factor[m], rounded once to the minor unit. */
export function discounted(flow: Float64Array, factors: Float64Array): number {
  let s = 0;
  for (let m = 0; m < flow.length; m++) s += flow[m]! * factors[m]!;
  return roundMinor(s);
}

/** What a vendor's rollout plan means for value: how many months after go-live the value is reached in full. */
export type ValueRamp = "big_bang" | "pilot_then_all" | "staged" | "unstated";

/**
 * Months from go-live to full value: a big bang reaches it after stabilisation, a pilot first
 * halfway between stabilisation and the adoption period, a staged (or unstated) rollout after the
 * adoption period. A set without adoption_months keeps full value from go-live.
 */
export function rampMonths(ctx: ScoreContext, ramp: ValueRamp): number {
  if (ctx.adoptionMonths === 0) return 0;
  if (ramp === "big_bang") return ctx.stabilisation;
  if (ramp === "pilot_then_all") return (ctx.stabilisation + ctx.adoptionMonths) / 2;
  return ctx.adoptionMonths;
}

/** The workflow's value month by month: nothing before go-live, then rising in a straight line to its full monthly figure. */
export function valueMonths(valuePerYear: number, horizonMonths: number, goLive: number, ramp: number): Float64Array {
  const v = new Float64Array(horizonMonths);
  for (let m = Math.max(0, goLive); m < horizonMonths; m++)
    v[m] = (valuePerYear / 12) * (ramp > 0 ? Math.min(1, (m - goLive + 1) / ramp) : 1);
  return v;
}

/** The workflow's value over the horizon discounted to signature at `rate`: what ranges and sensitivity move. */
export function valuePresentAt(
  valuePerYear: number,
  horizonMonths: number,
  goLive: number,
  ramp: number,
  rate: number,
): number {
  return discounted(valueMonths(valuePerYear, horizonMonths, goLive, ramp), discountFactors(rate, horizonMonths));
}

/** The first month (1-based) by which cumulative value covers cumulative cost, or null within the horizon. */
export function paybackMonth(cost: Float64Array, value: Float64Array, factors?: Float64Array): number | null {
  let spent = 0;
  let earned = 0;
  for (let m = 0; m < cost.length; m++) {
    const f = factors ? factors[m]! : 1;
    spent += cost[m]! * f;
    earned += value[m]! * f;
    // Half a minor unit absorbs floating-point drift in the monthly sums.
    if (earned > 0 && earned >= spent - 0.5) return m + 1;
  }
  return null;
}
