import { FEATURE_ASSUMPTIONS } from "../domain.js";
import { scoreContext, staticContext, type StaticContext } from "./context.js";
import { combine, lineTotals } from "./evaluate.js";
import { planVendor, type VendorPlan } from "./plan.js";
import { amountEnds, inputEnds } from "./ends.js";
import { rampMonths, valuePresentAt } from "./present.js";
import { presentTotalAt } from "./ranges.js";
import type { ModelInput, SensitivityRow, VendorResult } from "./types.js";

/** The highest or the lowest figure's vendors among the ranked ones: the cheapest cost, or the best NPV. */
function bestOf(figures: Map<string, number | null>, ranked: Set<string>, best: "lowest" | "highest"): string[] {
  let top = best === "lowest" ? Infinity : -Infinity;
  for (const [id, x] of figures) if (ranked.has(id) && x !== null && (best === "lowest" ? x < top : x > top)) top = x;
  return [...figures].filter(([id, x]) => ranked.has(id) && x === top).map(([id]) => id);
}

type Row = Omit<SensitivityRow, "leaderChanges">;

/**
 * Sensitivity beyond the cost assumptions: the buyer's day rate and the horizon (on the adjusted
 * total), the discount rate (on the present value), and the workflow value and its ramp (on NPV),
 * each moved to both ends, exactly.
 */
export function extraSensitivity(
  base: StaticContext,
  input: ModelInput,
  assumptions: Record<string, number>,
  vendors: VendorResult[],
  plans: VendorPlan[],
): SensitivityRow[] {
  const range = input.evaluation.sensitivityRange ?? 0.3;
  const ranked = new Set(vendors.filter((v) => v.adjustedRank !== null).map((v) => v.vendorId));
  const comparable = vendors.map((v, i) => ({ v, plan: plans[i]! })).filter((x) => x.v.adjustedTotal !== null);
  const rows: Row[] = [];
  const row = (
    r: Omit<Row, "leadersLow" | "leadersHigh" | "totals">,
    low: Map<string, number | null>,
    high: Map<string, number | null>,
    best: "lowest" | "highest",
  ): void => {
    const totals: Row["totals"] = {};
    for (const { v } of comparable)
      totals[v.vendorId] = { low: low.get(v.vendorId) ?? null, high: high.get(v.vendorId) ?? null };
    rows.push({ ...r, totals, leadersLow: bestOf(low, ranked, best), leadersHigh: bestOf(high, ranked, best) });
  };
  const e = input.evaluation;
  // The day rate: every line the buyer's rate prices, again.
  if (e.dayRateMinor > 0) {
    const at = (rate: number) => {
      const ctx = scoreContext({ ...base, evaluation: { ...e, dayRateMinor: rate } }, assumptions, false);
      return new Map(comparable.map(({ v, plan }) => [v.vendorId, combine(ctx, plan, lineTotals(ctx, plan))] as const));
    };
    const { low: lo, high: hi } = amountEnds(e.dayRateMinor, range);
    row(
      { assumption: "day_rate", label: "Buyer day rate", measure: "total", base: e.dayRateMinor, low: lo, high: hi },
      at(lo),
      at(hi),
      "lowest",
    );
  }
  // The horizon a year shorter and longer (within 1–10): the vendors planned again for it.
  const [shorter, longer] = [Math.max(1, e.horizonYears - 1), Math.min(10, e.horizonYears + 1)];
  if (shorter !== e.horizonYears || longer !== e.horizonYears) {
    const at = (years: number) => {
      const s = staticContext(input.set, { ...e, horizonYears: years });
      s.latestGoLive = base.latestGoLive;
      const ctx = scoreContext(s, assumptions, false);
      return new Map(
        comparable.map(({ v, plan }) => {
          const p = planVendor(s, plan.vendor);
          return [v.vendorId, combine(ctx, p, lineTotals(ctx, p))] as const;
        }),
      );
    };
    row(
      {
        assumption: "horizon_years",
        label: "Horizon, years",
        measure: "total",
        base: e.horizonYears,
        low: shorter,
        high: longer,
      },
      at(shorter),
      at(longer),
      "lowest",
    );
  }
  const rate = base.set.assumptions.find((a) => a.key === FEATURE_ASSUMPTIONS.discountRate);
  if (rate) {
    const r = assumptions[rate.key]!;
    const { low: lo, high: hi } = inputEnds(rate, r, range);
    const at = (x: number) =>
      new Map(comparable.map(({ v }) => [v.vendorId, presentTotalAt(v, e.horizonYears, x)] as const));
    if (lo !== hi)
      row(
        { assumption: rate.key, label: rate.label, measure: "present", base: r, low: lo, high: hi },
        at(lo),
        at(hi),
        "lowest",
      );
  }
  // The value and its ramp move NPV: the best is the highest.
  const withValue = comparable.filter(({ v }) => v.roi && v.roi.npv !== null);
  if (!withValue.length || !e.valueEstimateMinor) return finish(rows, ranked, vendors);
  const months = e.horizonYears * 12;
  const npvWith = (value: number, ramp: (plan: VendorPlan) => number) =>
    new Map(
      withValue.map(
        ({ v, plan }) =>
          [
            v.vendorId,
            valuePresentAt(value, months, v.roi!.goLiveMonth, ramp(plan), v.roi!.discountRate) - v.presentTotal!,
          ] as const,
      ),
    );
  const ctx = scoreContext(base, assumptions, false);
  const ramp = (plan: VendorPlan) => rampMonths(ctx, plan.ramp);
  const { low: vlo, high: vhi } = amountEnds(e.valueEstimateMinor, range);
  row(
    {
      assumption: "value",
      label: "Workflow value per year",
      measure: "npv",
      base: e.valueEstimateMinor,
      low: vlo,
      high: vhi,
    },
    npvWith(vlo, ramp),
    npvWith(vhi, ramp),
    "highest",
  );
  const adoption = base.set.assumptions.find((a) => a.key === FEATURE_ASSUMPTIONS.adoptionMonths);
  if (adoption) {
    const m = assumptions[adoption.key]!;
    const { low: lo, high: hi } = inputEnds(adoption, m, range);
    const rampAt = (x: number) => (plan: VendorPlan) =>
      rampMonths(scoreContext(base, { ...assumptions, [adoption.key]: x }, false), plan.ramp);
    if (lo !== hi)
      row(
        { assumption: adoption.key, label: adoption.label, measure: "npv", base: m, low: lo, high: hi },
        npvWith(e.valueEstimateMinor, rampAt(lo)),
        npvWith(e.valueEstimateMinor, rampAt(hi)),
        "highest",
      );
  }
  return finish(rows, ranked, vendors);
}

/** Whether the best vendor at either end differs from the best at base, on the row's own figure. */
function finish(rows: Row[], ranked: Set<string>, vendors: VendorResult[]): SensitivityRow[] {
  const figure = {
    total: (v: VendorResult) => v.adjustedTotal,
    present: (v: VendorResult) => v.presentTotal,
    npv: (v: VendorResult) => v.roi?.npv ?? null,
  };
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
  return rows.map((r) => {
    const measure = r.measure ?? "total";
    const base = bestOf(
      new Map(vendors.map((v) => [v.vendorId, figure[measure](v)] as const)),
      ranked,
      measure === "npv" ? "highest" : "lowest",
    );
    return { ...r, leaderChanges: ranked.size > 1 && (!same(r.leadersLow, base) || !same(r.leadersHigh, base)) };
  });
}
