import { COVERAGE_LABELS, FEATURE_ASSUMPTIONS, MODEL_ASSUMPTIONS, type LineKind } from "../domain.js";
import { minorDigits, money, percent } from "../format.js";
import type { ScoreContext } from "./context.js";
import { BASIS_REFERENCE, estimateAmount, estimateItem, type Estimate } from "./estimate.js";
import type { Planned, VendorPlan } from "./plan.js";
import { allocate, roundMinor } from "./schedule.js";
import { firstLiveYear, usageDepends, usageMonths } from "./usage.js";
import type { CostLine, LineTiming } from "./types.js";

/**
 * The largest amount one line may hold in one year, in minor units: with at most 1,000 questions
 * over at most 10 years, every sum the model forms stays below 2^53, so every figure is exact.
 */
export const MAX_LINE_YEAR = 500_000_000_000;

/** A planned line's amount under the context's assumptions, with its kind and whether it is a claim the tier's rule priced. */
interface Valued {
  amount: number;
  kind: LineKind;
  asserted: boolean;
  est?: Estimate;
  /** The share of the estimate counted (partial cover), when it applies. */
  partial?: number;
  floorApplies?: boolean;
  share?: number;
  rate?: number;
}

/** The factor another answer sets: the answer's own, or — silent or not asked — the largest the rule offers. */
function factorOf(
  ctx: ScoreContext,
  p: Planned,
  f: { key: string; why: string },
): { key: string; value: number; why: string } {
  if (f.key) return { key: f.key, value: Math.max(0, ctx.assumptions[f.key] ?? 1), why: f.why };
  let best = { key: "", value: 1, why: f.why };
  for (const key of Object.values(p.item.q.estimate!.scale_by!.factors)) {
    const v = Math.max(0, ctx.assumptions[key] ?? 1);
    if (v > best.value) best = { key, value: v, why: f.why };
  }
  return best;
}

/** A planned line's amount alone, for totals-only runs: the same arithmetic as valueOf, without provenance or allocation. */
function amountOf(ctx: ScoreContext, plan: VendorPlan, p: Planned): number {
  const a = p.amount;
  if (a.kind === "fixed") return a.value;
  if (a.kind !== "estimate") return valueOf(ctx, p, plan).amount;
  let factor = 1;
  if (a.factor) {
    if (a.factor.key) factor = Math.max(0, ctx.assumptions[a.factor.key] ?? 1);
    else
      for (const key of Object.values(p.item.q.estimate!.scale_by!.factors))
        factor = Math.max(factor, Math.max(0, ctx.assumptions[key] ?? 1));
  }
  const est = estimateAmount(a.rule, ctx, factor);
  const share = a.partial ? est * ctx.partialShare : est;
  return a.price !== null && a.price <= share ? a.price : share;
}

export function valueOf(ctx: ScoreContext, p: Planned, plan: VendorPlan): Valued {
  const a = p.amount;
  switch (a.kind) {
    case "usage":
    case "usage_unstated":
    case "inference":
      return {
        amount: firstLiveYear(ctx, usageMonths(ctx, a, escalationRate(ctx, plan))),
        kind: p.kind,
        asserted: false,
      };
    case "fixed":
      return { amount: a.value, kind: p.kind, asserted: p.asserted };
    case "estimate": {
      const est = estimateItem(a.rule, ctx, a.factor ? factorOf(ctx, p, a.factor) : undefined);
      const share = a.partial ? est.amount * ctx.partialShare : est.amount;
      // The buyer would not pay more for an option than doing the work itself: the lower of the two counts.
      if (a.price !== null && a.price <= share) return { amount: a.price, kind: "quoted", asserted: false, est };
      return {
        amount: share,
        kind: "hidden",
        asserted: p.asserted,
        est,
        partial: a.partial ? ctx.partialShare : undefined,
      };
    }
    case "effort": {
      const est = estimateItem(a.rule, ctx);
      if (a.days === null) return { amount: est.amount, kind: "hidden", asserted: false, est };
      const floorDays = est.amount / Math.max(1, ctx.dayRateMinor);
      const tier = ctx.evaluation.tier;
      const below = a.days < floorDays;
      const floorApplies = below && (tier === "system_of_record" || (tier === "production" && !a.backed));
      return floorApplies
        ? { amount: est.amount, kind: "disclosed", asserted: true, est, floorApplies }
        : { amount: a.days * ctx.dayRateMinor, kind: "disclosed", asserted: below, est, floorApplies };
    }
    case "changes": {
      const days = ctx.assumptions.change_days ?? 0;
      const buyer = ctx.dayRateMinor;
      const rate = a.rate === "assumption" ? buyer * (ctx.assumptions.vendor_rate_factor ?? 0) : a.rate;
      const share =
        a.share === "assumption"
          ? Math.min(1, Math.max(0, ctx.assumptions.vendor_change_share ?? 0))
          : a.share === "worst"
            ? rate > buyer
              ? 1
              : 0
            : a.share;
      return { amount: days * (share * rate + (1 - share) * buyer), kind: "hidden", asserted: false, share, rate };
    }
  }
}

/**
 * Whether the buyer's day rate prices a line's amount (an estimate, buyer effort, changes), so
 * that it rises with day_rate_escalation; a vendor's figure (a quote, its separate price) does not.
 */
function byBuyer(p: Planned, amount: number): boolean {
  const a = p.amount;
  return (
    a.kind === "effort" || a.kind === "changes" || (a.kind === "estimate" && !(a.price !== null && amount === a.price))
  );
}

/** When a planned line's money falls, given the vendor's go-live and stabilisation; `buyer`: priced at the buyer's day rate. */
function timingOf(ctx: ScoreContext, plan: VendorPlan, p: Planned, buyer = false): LineTiming {
  const end = ctx.horizonMonths;
  const g = ctx.goLive;
  const w = p.when;
  const rises = buyer ? ctx.dayRateEscalation : 0;
  const point = (month: number): LineTiming =>
    rises > 0 ? { kind: "point", month, escalation: rises } : { kind: "point", month };
  switch (w.kind) {
    case "recurring": {
      const from = w.start === "signature" ? 0 : w.start === "go_live" ? g : end - 12;
      return { kind: "rate", from, to: end, escalation: w.escalates ? escalationRate(ctx, plan) : rises };
    }
    case "temporary": {
      const months = w.months ? (ctx.assumptions[w.months] ?? 0) : ctx.stabilisation;
      return { kind: "rate", from: g, to: Math.min(end, g + months), escalation: rises };
    }
    case "usage": {
      const a = p.amount;
      return a.kind === "usage" || a.kind === "usage_unstated" || a.kind === "inference"
        ? { kind: "schedule", byMonth: usageMonths(ctx, a, escalationRate(ctx, plan)).map(roundSub) }
        : point(g);
    }
    case "signature":
      return point(0);
    case "build":
      return g > 0 ? spread(0, g, rises) : point(0);
    case "go_live":
      return point(g);
    case "stabilised":
      return point(g + ctx.stabilisation);
    case "end":
      return point(end - 1);
    case "scale_out": {
      const stable = g + ctx.stabilisation;
      if (w.plan === "pilot_then_all") return point(stable);
      if (w.plan === "big_bang") return point(g);
      // Staged: equal yearly waves from the year after stabilisation to the horizon's end.
      const firstWave = (Math.floor(stable / 12) + 1) * 12;
      return firstWave >= end ? point(end - 1) : spread(firstWave, end, rises);
    }
  }
}

/** A month's usage kept to a hundredth of a minor unit: a schedule stays exact to sum, and small to store. */
function roundSub(x: number): number {
  return Math.round(x * 100) / 100;
}

function spread(from: number, to: number, rises: number): LineTiming {
  return rises > 0 ? { kind: "spread", from, to, escalation: rises } : { kind: "spread", from, to };
}

function escalationRate(ctx: ScoreContext, plan: VendorPlan): number {
  const e = plan.escalation;
  return e.kind === "cap" ? e.rate : e.kind === "assumption" ? Math.max(0, ctx.assumptions[e.key] ?? 0) : 0;
}

const scratch: number[] = [];

/** One planned line's total over the horizon, rounded per year as its detailed line is; null when it passes the model's range. */
export function lineTotal(ctx: ScoreContext, plan: VendorPlan, p: Planned): number | null {
  const years = ctx.evaluation.horizonYears;
  const raw = amountOf(ctx, plan, p);
  const amount = roundMinor(raw);
  if (amount > MAX_LINE_YEAR) return null;
  allocate(timingOf(ctx, plan, p, byBuyer(p, raw)), amount, years, scratch);
  let t = 0;
  for (let y = 0; y < years; y++) {
    if (scratch[y]! > MAX_LINE_YEAR) return null;
    t += scratch[y]!;
  }
  return t;
}

/** Every planned line's total, before work is counted once. */
export function lineTotals(ctx: ScoreContext, plan: VendorPlan): (number | null)[] {
  return plan.lines.map((p) => lineTotal(ctx, plan, p));
}

/** A vendor's adjusted total from its lines' totals: each shared work counted once (the largest), null when a figure is missing or out of range. */
export function combine(ctx: ScoreContext, plan: VendorPlan, totals: readonly (number | null)[]): number | null {
  if (plan.missing.length) return null;
  let total = 0;
  let shared: Map<string, number> | undefined;
  for (let i = 0; i < totals.length; i++) {
    const t = totals[i]!;
    if (t === null) return null;
    const work = plan.lines[i]!.work;
    if (ctx.sharedWorks.has(work)) {
      shared ??= new Map();
      shared.set(work, Math.max(shared.get(work) ?? 0, t));
    } else total += t;
  }
  if (shared) for (const t of shared.values()) total += t;
  return total;
}

/**
 * A vendor's adjusted total under the context's assumptions, computed exactly as the detailed
 * lines would sum it (the same amounts, timing, rounding, work counted once and range guard), but
 * without building them: what sensitivity and ranges re-evaluate. Null when not comparable.
 */
export function totalOf(ctx: ScoreContext, plan: VendorPlan): number | null {
  return plan.missing.length ? null : combine(ctx, plan, lineTotals(ctx, plan));
}

/** The assumptions a planned line's amount or timing reads: sensitivity re-evaluates a line only for those. */
export function dependsOn(plan: VendorPlan, p: Planned): Set<string> {
  const out = new Set<string>();
  const a = p.amount;
  const rule = a.kind === "estimate" || a.kind === "effort" ? a.rule : undefined;
  if (rule?.share) out.add(rule.share);
  if (rule?.days) out.add(rule.days);
  if (rule?.share && rule.of)
    out.add(
      BASIS_REFERENCE[rule.of] === "build"
        ? FEATURE_ASSUMPTIONS.buildReferenceDays
        : FEATURE_ASSUMPTIONS.runReferenceDays,
    );
  if (a.kind === "estimate") {
    if (a.partial) out.add(MODEL_ASSUMPTIONS.partialShare);
    if (a.factor)
      for (const key of a.factor.key ? [a.factor.key] : Object.values(rule!.scale_by!.factors)) out.add(key);
  }
  if (a.kind === "usage" || a.kind === "usage_unstated" || a.kind === "inference") {
    for (const key of usageDepends(a)) out.add(key);
    out.add(MODEL_ASSUMPTIONS.goLiveMonth);
    if (plan.escalation.kind === "assumption") out.add(plan.escalation.key);
    return out;
  }
  if (a.kind !== "fixed") out.add(FEATURE_ASSUMPTIONS.dayRateEscalation);
  if (a.kind === "changes") {
    out.add(FEATURE_ASSUMPTIONS.changeDays);
    if (a.rate === "assumption") out.add(FEATURE_ASSUMPTIONS.vendorRateFactor);
    if (a.share === "assumption") out.add(FEATURE_ASSUMPTIONS.vendorChangeShare);
  }
  const w = p.when;
  if (w.kind !== "signature" && w.kind !== "end" && !(w.kind === "recurring" && w.start !== "go_live"))
    out.add(MODEL_ASSUMPTIONS.goLiveMonth);
  if (w.kind === "stabilised" || w.kind === "scale_out") out.add(MODEL_ASSUMPTIONS.rolloutMonths);
  if (w.kind === "temporary") out.add(w.months ?? MODEL_ASSUMPTIONS.rolloutMonths);
  if (w.kind === "recurring" && w.escalates && plan.escalation.kind === "assumption") out.add(plan.escalation.key);
  return out;
}

/** The vendor's lines under the context's assumptions, each with its years, provenance and (in detail) its reason. */
export function linesOf(ctx: ScoreContext, plan: VendorPlan): CostLine[] {
  const lines: CostLine[] = [];
  for (const p of plan.lines) {
    const v = valueOf(ctx, p, plan);
    const amount = roundMinor(v.amount);
    const rises = byBuyer(p, v.amount) && ctx.dayRateEscalation > 0;
    const timing = timingOf(ctx, plan, p, rises);
    const years = allocate(timing, amount, ctx.evaluation.horizonYears);
    let total = 0;
    for (const y of years) total += y;
    const assumptions = ctx.detail ? used(ctx, plan, p, v, timing) : {};
    if (rises && ctx.detail) assumptions[FEATURE_ASSUMPTIONS.dayRateEscalation] = ctx.dayRateEscalation;
    const why = ctx.detail
      ? reason(ctx, plan, p, v, timing) +
        (rises && v.amount > 0
          ? ` It rises ${pct(ctx.dayRateEscalation)} a year with the buyer's day rate (day_rate_escalation).`
          : "")
      : "";
    lines.push({
      kind: v.kind,
      headline: p.headline && v.kind === "quoted",
      layer: p.layer,
      phase: p.phase,
      nature: p.nature,
      work: p.work,
      amount,
      total,
      years,
      timing,
      questionKey: p.item.q.key,
      role: p.item.role,
      answer: p.answer,
      source: p.source,
      assumptions,
      unknown: p.unknown,
      unpriced: p.unpriced,
      asserted: v.asserted,
      reason: why,
      presentValue: 0,
    });
  }
  return lines;
}

/** The assumptions a line's figure used, with their values. */
function used(ctx: ScoreContext, plan: VendorPlan, p: Planned, v: Valued, timing: LineTiming): Record<string, number> {
  const out: Record<string, number> = {};
  if (v.kind !== "quoted" || p.amount.kind !== "estimate") Object.assign(out, v.est?.used ?? {});
  if (v.partial !== undefined && v.kind !== "quoted") out[MODEL_ASSUMPTIONS.partialShare] = v.partial;
  if (p.amount.kind === "effort" && p.amount.days !== null && !v.floorApplies)
    for (const k of Object.keys(out)) delete out[k];
  if (p.amount.kind === "usage" || p.amount.kind === "usage_unstated" || p.amount.kind === "inference")
    for (const key of usageDepends(p.amount)) out[key] = ctx.assumptions[key] ?? 0;
  if (p.amount.kind === "changes") {
    out.change_days = ctx.assumptions.change_days ?? 0;
    if (p.amount.rate === "assumption") out.vendor_rate_factor = ctx.assumptions.vendor_rate_factor ?? 0;
    if (p.amount.share === "assumption") out.vendor_change_share = v.share!;
  }
  if (timing.kind === "rate" && timing.escalation > 0 && plan.escalation.kind === "assumption")
    out[plan.escalation.key] = timing.escalation;
  if (p.when.kind === "temporary")
    out[p.when.months ?? MODEL_ASSUMPTIONS.rolloutMonths] = timing.kind === "rate" ? timing.to - timing.from : 0;
  return out;
}

/** The buyer's forecast in words: volume, growth and (for tokens) tokens per request and the buyer's price. */
function usageBasis(ctx: ScoreContext, tokens: boolean): string {
  const a = ctx.assumptions;
  const volume = `${a[FEATURE_ASSUMPTIONS.usageRequests] ?? 0} thousand requests a month at go-live, growing ${pct(a[FEATURE_ASSUMPTIONS.usageGrowth] ?? 0)} a year`;
  if (!tokens) return volume;
  const trend = a[FEATURE_ASSUMPTIONS.modelPriceTrend] ?? 0;
  return `${volume}, ${a[FEATURE_ASSUMPTIONS.tokensPerRequest] ?? 0} thousand tokens each at ${money((a[FEATURE_ASSUMPTIONS.buyerTokenPrice] ?? 0) * 10 ** minorDigits(ctx.currency), ctx.currency)} per million${trend ? `, model prices changing ${pct(trend)} a year` : ""}`;
}

const per = (p: Planned) => (p.nature === "one_off" ? "" : " a year");
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** The one sentence that says why a line is what it is. */
function reason(ctx: ScoreContext, plan: VendorPlan, p: Planned, v: Valued, timing: LineTiming): string {
  const cur = ctx.currency;
  const how = v.est?.how ?? "";
  const basis = v.partial !== undefined ? `${pct(v.partial)} (partial_share) of ${how}` : how;
  const a = p.amount;
  switch (p.note) {
    case "quoted": {
      const rises = timing.kind === "rate" && timing.escalation > 0 && ctx.evaluation.horizonYears > 1 && v.amount > 0;
      const why =
        plan.escalation.kind === "cap"
          ? `the contract's cap of ${percent(timing.kind === "rate" ? timing.escalation : 0, 1)}, assumed used`
          : "the price cap was not asked, so uncapped_escalation";
      return `Quoted by the vendor: ${money(v.amount, cur)}${per(p)}${rises ? `, rising ${percent(timing.kind === "rate" ? timing.escalation : 0, 1)} a year (${why})` : ""}.`;
    }
    case "unquoted":
      return "Not quoted. Truecost never invents a vendor's price: without it this vendor's total cannot be bounded or compared.";
    case "silent":
      return `Not answered; priced in full at ${how}, so that silence never looks cheaper than an answer.`;
    case "not_asked":
      if (a.kind === "inference")
        return `Not asked (section not sent); inference priced as the buyer's own, ${usageBasis(ctx, true)}, the same for every vendor.`;
      return a.kind === "effort"
        ? `Not asked (section not sent); priced at the buyer's own figure, ${how}.`
        : `Not asked (section not sent); priced in full at ${how}, the same for every vendor.`;
    case "asserted":
      return `Claimed as included without the evidence ${ctx.evaluation.tier === "system_of_record" ? "the system-of-record tier expects" : "asked for"}, so priced as partial: ${basis}.`;
    case "coverage": {
      if (a.kind !== "estimate") return "";
      const label = COVERAGE_LABELS[a.status as keyof typeof COVERAGE_LABELS];
      if (a.price !== null && v.kind === "quoted")
        return `${label}; the vendor prices it separately at ${money(a.price, cur)}${per(p)}, outside the headline quote.`;
      if (a.price !== null)
        return `${label}; the vendor's separate price ${money(a.price, cur)}${per(p)} is above what the buyer's own work costs, so the buyer funds ${basis}.`;
      return a.status === "partial"
        ? `Only partly included; the buyer funds ${basis}.`
        : `${label} in the quote; the buyer funds ${basis}.`;
    }
    case "effort": {
      if (a.kind !== "effort" || a.days === null) return "";
      const tier = ctx.evaluation.tier;
      const stated = `The vendor expects ${a.days} buyer days${per(p)}`;
      if (v.floorApplies)
        return `${stated}, below the ${tier === "system_of_record" ? "system-of-record" : "production"} tier's floor${tier === "production" ? " and without evidence or an explanation" : ""}; priced at the floor, ${how}.`;
      return `${stated} at ${money(ctx.dayRateMinor, cur)} a day${v.asserted ? (tier === "pilot" ? "; a pilot takes the figure as given" : "; backed by evidence or an explanation, so taken as given") : ""}.`;
    }
    case "unstated":
      return "Not stated. Only the vendor can say how much of the buyer's time its system needs: without it this vendor's total cannot be bounded or compared.";
    case "choice":
      return `${p.source === "answered" ? "The answer means the buyer funds it" : p.source === "not_asked" ? "Not asked (section not sent); priced as if it applies" : "Not answered; priced as if it applies"}: ${how}.`;
    case "uplift":
      return `Pilot prices end at go-live: the vendor's yearly price becomes ${money(p.answer as number, cur)} against ${money(p.quotedRecurring ?? 0, cur)} quoted, ${money(v.amount, cur)} a year more from go-live.`;
    case "uplift_missing":
      return "Pilot prices end at production (or it was not said that they do not), and the price after them is not stated: this vendor's total cannot be bounded.";
    case "changes": {
      const shareWhy =
        a.kind === "changes" && a.share === "worst"
          ? "the vendor's share not answered, so the dearer end"
          : a.kind === "changes" && a.share === "assumption"
            ? "vendor_change_share, not asked"
            : "as the vendor states";
      return `${ctx.assumptions.change_days ?? 0} days of changes a year (change_days): ${percent(v.share ?? 0, 0)} by the vendor (${shareWhy}) at ${money(v.rate ?? 0, cur)} a day, the rest by the buyer at ${money(ctx.dayRateMinor, cur)}.`;
    }
    case "changes_missing":
      return "The vendor's day rate for changes is not stated, and the vendor does some of the changes: this vendor's total cannot be bounded.";
    case "usage": {
      if (a.kind !== "usage") return "";
      const unit = {
        per_request: "per 1,000 requests",
        per_token: "per million tokens",
        per_seat: "per seat a month",
        included: "per 1,000 requests beyond the included volume",
        flat: "a year, flat",
      }[a.model];
      const beyond = a.quoted > 0 ? `, beyond the ${money(a.quoted, cur)} a year it quoted at its own volume` : "";
      const cap = a.cap !== null ? `; capped at ${money(a.cap, cur)} a year` : "";
      const incl = a.model === "included" ? `, ${a.included} thousand requests a month included` : "";
      return `The vendor's usage price, ${money(a.price, cur)} ${unit}${incl}, applied to the buyer's forecast (${usageBasis(ctx, a.model === "per_token")}): ${money(v.amount, cur)} in the first live year${beyond}${cap}.`;
    }
    case "usage_missing":
      return "The vendor charges for usage but did not give its price: without it this vendor's total cannot be bounded or compared.";
    case "usage_unstated":
      return `How the vendor charges for usage is not stated; priced at the buyer's own inference price (${usageBasis(ctx, true)})${a.kind === "usage_unstated" && a.quoted > 0 ? `, beyond the ${money(a.quoted, cur)} a year it quoted` : ""}, so that silence never looks cheaper: ${money(v.amount, cur)} in the first live year.`;
    case "inference":
      return `Inference is not in the vendor's price: the buyer buys it, ${usageBasis(ctx, true)}: ${money(v.amount, cur)} in the first live year.`;
    case "inference_unstated":
      return `Not answered whether inference is in the price; priced as the buyer's own, ${usageBasis(ctx, true)}, so that silence never looks cheaper: ${money(v.amount, cur)} in the first live year.`;
  }
}
