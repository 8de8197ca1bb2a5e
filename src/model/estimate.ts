import { FEATURE_ASSUMPTIONS, type EstimateBasis } from "../domain.js";
import { money, percent } from "../format.js";
import type { Question } from "../questions/schema.js";

/** The buyer's two reference figures every share-based estimate is a share of, in minor units. */
export interface Bases {
  build: number;
  run: number;
}

/** Which reference a basis names: the older names read as the same two references. */
export const BASIS_REFERENCE: Record<EstimateBasis, keyof Bases> = {
  build_reference: "build",
  implementation_fee: "build",
  run_reference: "run",
  annual_licence: "run",
  annual_run_cost: "run",
};

const REFERENCE_LABELS: Record<keyof Bases, string> = {
  build: "the reference build cost",
  run: "the reference yearly run cost",
};

export interface Estimate {
  amount: number;
  used: Record<string, number>;
  how: string;
}

export interface EstimateContext {
  assumptions: Readonly<Record<string, number>>;
  dayRateMinor: number;
  currency: string;
  bases: Bases;
  detail: boolean;
}

/** The buyer's references: days from assumptions at the buyer's day rate, the same for every vendor. */
export function referenceBases(assumptions: Readonly<Record<string, number>>, dayRateMinor: number): Bases {
  return {
    build: (assumptions[FEATURE_ASSUMPTIONS.buildReferenceDays] ?? 0) * dayRateMinor,
    run: (assumptions[FEATURE_ASSUMPTIONS.runReferenceDays] ?? 0) * dayRateMinor,
  };
}

const NO_USED: Record<string, number> = Object.freeze({}) as Record<string, number>;

/** The estimate's amount alone: what totals-only runs (sensitivity, ranges) need, without provenance. */
export function estimateAmount(rule: NonNullable<Question["estimate"]>, ctx: EstimateContext, factor = 1): number {
  const byShare =
    rule.share !== undefined && rule.of !== undefined
      ? (ctx.assumptions[rule.share] ?? 0) * ctx.bases[BASIS_REFERENCE[rule.of]]
      : 0;
  const byDays = rule.days !== undefined ? (ctx.assumptions[rule.days] ?? 0) * ctx.dayRateMinor : 0;
  return Math.max(byShare, byDays) * factor;
}

/**
 * Prices an item from its question's rule: the larger of a share of one of the buyer's references
 * and a number of buyer days, times a factor another answer sets (e.g. a locked platform's exit).
 * No vendor's own price enters it, so no vendor lowers its estimates by quoting a lower fee.
 */
export function estimateItem(
  rule: NonNullable<Question["estimate"]>,
  ctx: EstimateContext,
  factor?: { key: string; value: number; why: string },
): Estimate {
  const value = factor?.value ?? 1;
  const amount = estimateAmount(rule, ctx, value);
  if (!ctx.detail) return { amount, used: NO_USED, how: "" };
  const used: Record<string, number> = {};
  const parts: string[] = [];
  if (rule.share !== undefined && rule.of !== undefined) {
    const share = ctx.assumptions[rule.share] ?? 0;
    const ref = BASIS_REFERENCE[rule.of];
    const days = ref === "build" ? FEATURE_ASSUMPTIONS.buildReferenceDays : FEATURE_ASSUMPTIONS.runReferenceDays;
    used[rule.share] = share;
    used[days] = ctx.assumptions[days] ?? 0;
    parts.push(
      `${percent(share, 0)} (${rule.share}) of ${REFERENCE_LABELS[ref]} ${money(ctx.bases[ref], ctx.currency)}`,
    );
  }
  if (rule.days !== undefined) {
    const days = ctx.assumptions[rule.days] ?? 0;
    used[rule.days] = days;
    parts.push(`${days} buyer days (${rule.days}) at ${money(ctx.dayRateMinor, ctx.currency)} a day`);
  }
  let how = parts.length === 2 ? `the larger of ${parts[0]} and ${parts[1]}` : (parts[0] ?? "");
  if (factor && value !== 1) {
    used[factor.key] = value;
    how = `${how}, × ${value} (${factor.key}: ${factor.why})`;
  }
  return { amount, used, how };
}
