import type { EstimateBasis } from "../domain.js";
import { money, percent } from "../format.js";
import type { Question } from "../questions/schema.js";

export type Bases = Record<EstimateBasis, number>;

export const BASIS_LABELS: Record<EstimateBasis, string> = {
  implementation_fee: "the implementation fee",
  annual_licence: "the yearly licence",
  annual_run_cost: "the yearly run cost (licence, usage and support)",
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
  detail: boolean;
}

/** Prices an item from its question's rule: the larger of a share of a base and a number of buyer days. */
export function estimateItem(rule: NonNullable<Question["estimate"]>, bases: Bases, ctx: EstimateContext): Estimate {
  const used: Record<string, number> = {};
  // Totals-only runs (sensitivity) skip the provenance they would throw away.
  let byShare = 0;
  let byDays = 0;
  const parts: string[] = [];
  if (rule.share !== undefined && rule.of !== undefined) {
    const share = ctx.assumptions[rule.share] ?? 0;
    if (ctx.detail) used[rule.share] = share;
    byShare = share * bases[rule.of];
    if (ctx.detail) parts.push(`${percent(share, 0)} (${rule.share}) of ${BASIS_LABELS[rule.of]} ${money(bases[rule.of], ctx.currency)}`);
  }
  if (rule.days !== undefined) {
    const days = ctx.assumptions[rule.days] ?? 0;
    if (ctx.detail) used[rule.days] = days;
    byDays = days * ctx.dayRateMinor;
    if (ctx.detail) parts.push(`${days} buyer days (${rule.days}) at ${money(ctx.dayRateMinor, ctx.currency)} a day`);
  }
  const how = !ctx.detail ? "" : parts.length === 2 ? `the larger of ${parts[0]} and ${parts[1]}` : (parts[0] ?? "");
  return { amount: Math.max(byShare, byDays), used, how };
}
