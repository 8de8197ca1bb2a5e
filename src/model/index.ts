import { MODEL_ASSUMPTIONS, type FlagId } from "../domain.js";
import { money, percent } from "../format.js";
import type { QuestionSet } from "../questions/schema.js";
import { scoreContext, staticContext, type StaticContext } from "./context.js";
import { combine, dependsOn, lineTotal, lineTotals } from "./evaluate.js";
import { raise, sortFlags } from "./flags.js";
import { planVendor, type VendorPlan } from "./plan.js";
import { asksOf } from "./asks.js";
import { gatesOf, stagesOf } from "./funding.js";
import { ranges } from "./ranges.js";
import { extraSensitivity } from "./sensitivity-extra.js";
import { inputEnds } from "./ends.js";
import { scoreVendor } from "./score.js";
import type {
  Flag,
  ModelEvaluation,
  ModelInput,
  ModelResult,
  RankFlip,
  SensitivityRow,
  VendorResult,
} from "./types.js";

export type * from "./types.js";
export { roundDiff, type RoundDiff } from "./rounds.js";

/** The assumptions in force: the set's default for the tier, overridden by the evaluation, within each one's bounds. */
export function resolveAssumptions(set: QuestionSet, evaluation: ModelEvaluation): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of set.assumptions) {
    const v = evaluation.assumptions?.[a.key];
    out[a.key] =
      typeof v === "number" && Number.isFinite(v) ? Math.min(a.max, Math.max(a.min, v)) : a.defaults[evaluation.tier];
  }
  return out;
}

/** Runs the cost model over every vendor: lines, totals, flags, ROI, rankings, rank flips and sensitivity. */
export function runModel(input: ModelInput): ModelResult {
  const assumptions = resolveAssumptions(input.set, input.evaluation);
  const base = staticContext(input.set, input.evaluation);
  const plans = input.vendors.map((v) => planVendor(base, v));
  // A vendor silent on its go-live is taken at the latest any vendor states: silence never brings value sooner.
  const stated = plans.map((p) => p.goLive).filter((g): g is number => g !== null);
  base.latestGoLive = stated.length ? Math.max(...stated) : null;
  const ctx = scoreContext(base, assumptions, true);
  const vendors = plans.map((p) => scoreVendor(ctx, p));
  const rankOn = input.evaluation.rankOn ?? "nominal";
  const entry = rankBy(vendors, (v) => v.entryPrice);
  const nominal = rankBy(vendors, (v) => v.adjustedTotal);
  const present = rankBy(vendors, (v) => v.presentTotal);
  const adjusted = rankOn === "present" ? present : nominal;
  for (const v of vendors) {
    v.entryRank = entry.rank.get(v.vendorId) ?? null;
    v.nominalRank = nominal.rank.get(v.vendorId) ?? null;
    v.presentRank = present.rank.get(v.vendorId) ?? null;
    v.adjustedRank = adjusted.rank.get(v.vendorId) ?? null;
  }
  const rankFlips = flips(vendors);
  const threshold = assumptions[MODEL_ASSUMPTIONS.hiddenShareThreshold] ?? 1;
  cheapByExclusion(vendors, rankFlips, threshold, input.evaluation.horizonYears);
  const labels = new Map(input.set.assumptions.map((a) => [a.key, a.label]));
  vendors.forEach((v, i) => {
    const others = vendors.filter((o) => o !== v);
    v.stages = stagesOf(base, v, plans[i]!.answers, ctx.discountRate, labels);
    if (input.asks === false) return;
    const asks = asksOf(base, ctx, plans[i]!, v, others, rankOn, (r) => exclusionFlagged(r, others, threshold));
    v.asks = asks.asks;
    v.allAsks = asks.all;
  });
  const result: Omit<ModelResult, "ranges"> = {
    currency: input.evaluation.currency,
    horizonYears: input.evaluation.horizonYears,
    tier: input.evaluation.tier,
    assumptions,
    basis: base.quotesAsked ? "adjusted" : "beyond_quote",
    vendors,
    ranking: { entry: entry.order, adjusted: adjusted.order, nominal: nominal.order, present: present.order },
    rankOn,
    discountRate: ctx.discountRate,
    rankingsDiffer: vendors.some((v) => v.nominalRank !== v.presentRank),
    rankFlips,
    sensitivity: sensitivity(base, input, assumptions, vendors, plans),
    gates: gatesOf(base),
  };
  return { ...result, ranges: ranges(base, result, plans, input.draws) };
}

/**
 * Ranked vendors (submitted, or all when the buyer says so) with a figure, cheapest first; equal
 * figures keep the input order and share a rank (1 + the number of vendors strictly cheaper).
 */
function rankBy(
  vendors: VendorResult[],
  by: (v: VendorResult) => number | null,
): { order: string[]; rank: Map<string, number> } {
  const ranked = vendors.filter((v) => v.rankable && by(v) !== null);
  const order = ranked
    .map((v, i) => ({ v, i }))
    .sort((a, b) => by(a.v)! - by(b.v)! || a.i - b.i)
    .map((x) => x.v);
  const rank = new Map<string, number>();
  let last = NaN;
  let lastRank = 0;
  order.forEach((v, i) => {
    const x = by(v)!;
    if (x !== last) ((lastRank = i + 1), (last = x));
    rank.set(v.vendorId, lastRank);
  });
  return { order: order.map((v) => v.vendorId), rank };
}

const ORDINALS = ["cheapest", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
/** "cheapest", "second", … "11th", from a 1-based rank. */
export function ordinal(rank: number): string {
  return ORDINALS[rank - 1] ?? `${rank}th`;
}

/** What the buyer funds of a vendor's total because of its own exclusions, partial cover and silence (not what the buyer chose not to ask). */
export function ownHidden(v: VendorResult): number {
  return v.components.hidden + v.components.unknown - v.notAskedTotal;
}

/** Every pair of vendors ranked on both figures whose order at entry reverses on the adjusted total, with the cause split. */
function flips(vendors: VendorResult[]): RankFlip[] {
  const both = vendors.filter((v) => v.entryRank !== null && v.adjustedRank !== null);
  const out: RankFlip[] = [];
  for (const a of both)
    for (const b of both) {
      const f = flipOf(a, b);
      if (f) out.push(f);
    }
  return out.sort(
    (x, y) => rankOf(vendors, x.cheaperAtEntry) - rankOf(vendors, y.cheaperAtEntry) || y.adjustedGap - x.adjustedGap,
  );
}

/** Whether `a`, cheaper than `b` at entry, is dearer over the horizon, and why; null when the order holds. */
function flipOf(a: VendorResult, b: VendorResult): RankFlip | null {
  if (a.entryPrice === null || b.entryPrice === null || a.adjustedTotal === null || b.adjustedTotal === null)
    return null;
  if (!(a.entryPrice < b.entryPrice && a.adjustedTotal > b.adjustedTotal)) return null;
  const ca = a.components,
    cb = b.components;
  const ha = ownHidden(a),
    hb = ownHidden(b);
  return {
    cheaperAtEntry: a.vendorId,
    cheaperOverall: b.vendorId,
    entryGap: b.entryPrice - a.entryPrice,
    adjustedGap: a.adjustedTotal - b.adjustedTotal,
    cause: {
      quotedAfterEntry: ca.quotedAfterEntry - cb.quotedAfterEntry,
      disclosed: ca.disclosed - cb.disclosed,
      hidden: ca.hidden - cb.hidden,
      unknown: ca.unknown - cb.unknown,
    },
    quotedAlone: a.quotedTotal >= b.quotedTotal,
    byExclusion: ha - hb > 0 && a.adjustedTotal - ha <= b.adjustedTotal - hb && a.quotedTotal < b.quotedTotal,
  };
}

/** Whether the cross-vendor flag would still be raised on `v` (as cheapByExclusion raises it) against `others`. */
function exclusionFlagged(v: VendorResult, others: readonly VendorResult[], threshold: number): boolean {
  const own = ownHidden(v);
  if (own > 0 && v.pricedTotal > 0 && own / v.pricedTotal > threshold) return true;
  return (
    v.rankable &&
    others.some((o) => o.entryRank !== null && o.adjustedRank !== null && flipOf(v, o)?.byExclusion === true)
  );
}

function rankOf(vendors: VendorResult[], id: string): number {
  return vendors.find((v) => v.vendorId === id)?.entryRank ?? Infinity;
}

/**
 * The cross-vendor red flag, raised only on a vendor whose own exclusions, partial cover or
 * silence cause its advantage: high when they reverse its lead at entry over another vendor, medium
 * when they are a larger share of its total than the alarm. Never on a vendor that excluded
 * nothing, and never for what the horizon's recurring prices alone explain.
 */
function cheapByExclusion(vendors: VendorResult[], rankFlips: RankFlip[], threshold: number, horizon: number): void {
  const byId = new Map(vendors.map((v) => [v.vendorId, v]));
  for (const v of vendors) {
    const flags = new Map<FlagId, Flag>(v.flags.map((f) => [f.id, f]));
    const cur = v.currency;
    const own = ownHidden(v);
    for (const f of rankFlips.filter((x) => x.cheaperAtEntry === v.vendorId && x.byExclusion).slice(0, 2)) {
      const other = byId.get(f.cheaperOverall)!;
      raise(
        flags,
        "cheap_by_exclusion",
        "high",
        null,
        `Against ${other.name}: ${money(f.entryGap, cur)} cheaper at entry, ${money(f.adjustedGap, cur)} dearer over ${horizon} years; what it leaves out or leaves unanswered costs ${money(f.cause.hidden + f.cause.unknown, cur)} more.`,
      );
    }
    const share = v.pricedTotal > 0 ? own / v.pricedTotal : 0;
    if (own > 0 && share > threshold)
      raise(
        flags,
        "cheap_by_exclusion",
        "medium",
        null,
        `What it leaves out or unanswered is ${percent(share, 0)} of its total, above the ${percent(threshold, 0)} alarm (hidden_share_threshold).`,
      );
    v.flags = sortFlags([...flags.values()]);
  }
}

/** Each cost and timing assumption moved to its low and high (model/ends.ts): every comparable vendor's total and whether the cheapest changes. */
function sensitivity(
  base: StaticContext,
  input: ModelInput,
  assumptions: Record<string, number>,
  vendors: VendorResult[],
  plans: VendorPlan[],
): ModelResult["sensitivity"] {
  const range = input.evaluation.sensitivityRange ?? 0.3;
  const comparable = plans.filter((_, i) => vendors[i]!.adjustedTotal !== null);
  const rankable = new Set(vendors.filter((v) => v.adjustedRank !== null).map((v) => v.vendorId));
  const leadersOf = (totals: Map<string, number | null>) => {
    let min = Infinity;
    for (const [id, t] of totals) if (rankable.has(id) && t !== null && t < min) min = t;
    return [...totals].filter(([id, t]) => rankable.has(id) && t === min).map(([id]) => id);
  };
  const baseLeaders = leadersOf(
    new Map(vendors.filter((v) => v.adjustedTotal !== null).map((v) => [v.vendorId, v.adjustedTotal!])),
  );
  // Each line's total once under the base assumptions; an assumption then re-evaluates only the lines that read it.
  const baseCtx = scoreContext(base, assumptions, false);
  const baseTotals = comparable.map((p) => lineTotals(baseCtx, p));
  const deps = comparable.map((p) => p.lines.map((l) => dependsOn(p, l)));
  const rows: SensitivityRow[] = [];
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
  for (const a of input.set.assumptions) {
    // Thresholds move no figure; value assumptions move present values or NPV (extraSensitivity).
    if (a.kind === "threshold" || a.kind === "value") continue;
    const value = assumptions[a.key]!;
    const { low, high } = inputEnds(a, value, range);
    if (low === value && high === value) continue;
    const run = (x: number) => {
      const ctx = scoreContext(base, { ...assumptions, [a.key]: x }, false);
      return new Map(
        comparable.map((p, i) => {
          const totals = baseTotals[i]!.slice();
          p.lines.forEach((l, j) => {
            if (deps[i]![j]!.has(a.key)) totals[j] = lineTotal(ctx, p, l);
          });
          return [p.vendor.id, combine(ctx, p, totals)] as const;
        }),
      );
    };
    const lowRun = run(low),
      highRun = run(high);
    const totals: SensitivityRow["totals"] = {};
    for (const { vendor: v } of comparable) totals[v.id] = { low: lowRun.get(v.id)!, high: highRun.get(v.id)! };
    const leadersLow = leadersOf(lowRun),
      leadersHigh = leadersOf(highRun);
    const leaderChanges = rankable.size > 1 && (!same(leadersLow, baseLeaders) || !same(leadersHigh, baseLeaders));
    rows.push({
      assumption: a.key,
      label: a.label,
      base: value,
      low,
      high,
      totals,
      leadersLow,
      leadersHigh,
      leaderChanges,
    });
  }
  rows.push(...extraSensitivity(base, input, assumptions, vendors, plans));
  return {
    range,
    rows,
    leaders: baseLeaders,
    leader: rankable.size > 1 && baseLeaders.length === 1 ? baseLeaders[0]! : null,
  };
}
