import { FEATURE_ASSUMPTIONS } from "../domain.js";
import { money, percent } from "../format.js";
import { stateOf, type Answers } from "./answers.js";
import { featureValue, type ScoreContext } from "./context.js";
import { makeLine, MAX_LINE_YEAR, timingOf, type VendorScope } from "./lines.js";

/** The longest minimum term counted beyond the horizon, in years. */
const MAX_TERM_YEARS = 30;
import { escalation as grown } from "./schedule.js";
import type { CostLine, LineTiming, Missing, VendorResult } from "./types.js";

/** How the vendor's recurring prices rise each year, and why. */
export interface Escalation {
  rate: number;
  used: Record<string, number>;
  why: string;
}

const NONE: Escalation = { rate: 0, used: {}, why: "" };

/**
 * The yearly rise of the vendor's recurring prices: the stated cap, assumed used in full; the
 * buyer's assumption where the cap was not asked; a missing figure where it was asked and left blank
 * (a contract without a stated cap bounds nothing), unless the horizon has no second year.
 */
export function escalationOf(ctx: ScoreContext, answers: Answers, missing: Missing[]): Escalation {
  const item = ctx.terms.price_cap;
  if (!item) return NONE;
  const state = stateOf(ctx, item, answers);
  if (state.source === "answered") {
    const rate = Math.max(0, state.value as number) / 100;
    return { rate, used: {}, why: `the contract's cap of ${percent(rate, 1)}, assumed used` };
  }
  if (state.source === "silent" && ctx.evaluation.horizonYears > 1 && ctx.quotesAsked) {
    missing.push({ questionKey: item.q.key, what: item.q.text });
    return NONE;
  }
  const rate = featureValue(ctx, FEATURE_ASSUMPTIONS.escalation);
  return { rate, used: { [FEATURE_ASSUMPTIONS.escalation]: rate }, why: `the price cap was not asked, so ${FEATURE_ASSUMPTIONS.escalation}` };
}

/**
 * Pilot prices that end: from go-live the vendor's recurring headline prices are repriced at the
 * post-pilot price it states (never below what it quoted). Silence on either question is a missing
 * figure: how much the price rises cannot be bounded.
 */
export function pilotUplift(scope: VendorScope, lines: CostLine[]): CostLine | null {
  const { ctx } = scope;
  const pilot = ctx.terms.pilot_pricing;
  const post = ctx.terms.post_pilot_price;
  if (!pilot || !post) return null;
  const p = stateOf(ctx, pilot, scope.answers);
  if (p.source === "not_asked" || (p.source === "answered" && p.value !== true)) return null;
  const s = stateOf(ctx, post, scope.answers);
  if (s.source === "not_asked" || s.source === "hidden") return null;
  const timing: LineTiming = { kind: "rate", from: ctx.goLive, to: ctx.horizonMonths, escalation: scope.escalation.rate };
  const spec = { item: post, kind: "quoted" as const, timing, layer: "value" as const, phase: "operate" as const, nature: "recurring" as const, work: post.q.key };
  if (s.source === "silent") {
    scope.missing.push({ questionKey: post.q.key, what: post.q.text });
    return makeLine(ctx, { ...spec, amount: 0, source: "silent", answer: null, used: {}, unpriced: true,
      reason: ctx.detail ? `${p.source === "answered" ? "Pilot prices end at production" : "Whether pilot prices end was not answered"}, and the price after them is not stated: this vendor's total cannot be bounded.` : "" });
  }
  const postPrice = s.value as number;
  let quoted = 0;
  for (const l of lines) if (l.kind === "quoted" && l.headline && l.nature === "recurring" && !l.unpriced) quoted += l.amount;
  const uplift = Math.max(0, postPrice - quoted);
  return makeLine(ctx, { ...spec, amount: uplift, source: "answered", answer: postPrice, used: { ...scope.escalation.used },
    reason: ctx.detail ? `Pilot prices end at go-live: the vendor's yearly price becomes ${money(postPrice, ctx.currency)} against ${money(quoted, ctx.currency)} quoted, ${money(uplift, ctx.currency)} a year more from go-live.` : "" });
}

/**
 * Changes outside the support scope: the buyer's expected change volume (days a year), the
 * vendor's share of it at the vendor's day rate and the rest at the buyer's. Silence on the share
 * takes whichever end costs more; silence on the rate, when the vendor does any of the work, is a
 * missing figure.
 */
export function changesLine(scope: VendorScope): CostLine | null {
  const { ctx } = scope;
  const rateItem = ctx.terms.change_rate;
  if (!rateItem) return null;
  const days = featureValue(ctx, FEATURE_ASSUMPTIONS.changeDays);
  const buyerRate = ctx.dayRateMinor;
  const used: Record<string, number> = { [FEATURE_ASSUMPTIONS.changeDays]: days };
  const r = stateOf(ctx, rateItem, scope.answers);
  const shareItem = ctx.terms.vendor_change_share;
  const s = shareItem ? stateOf(ctx, shareItem, scope.answers) : ({ source: "not_asked" } as const);
  let vendorRate: number | null;
  if (r.source === "answered") vendorRate = r.value as number;
  else if (r.source === "silent") vendorRate = null;
  else {
    used[FEATURE_ASSUMPTIONS.vendorRateFactor] = featureValue(ctx, FEATURE_ASSUMPTIONS.vendorRateFactor);
    vendorRate = buyerRate * featureValue(ctx, FEATURE_ASSUMPTIONS.vendorRateFactor);
  }
  let share: number;
  if (s.source === "answered") share = Math.min(1, Math.max(0, (s.value as number) / 100));
  else if (s.source === "silent") share = vendorRate === null || vendorRate > buyerRate ? 1 : 0;
  else (share = Math.min(1, Math.max(0, featureValue(ctx, FEATURE_ASSUMPTIONS.vendorChangeShare)))), (used[FEATURE_ASSUMPTIONS.vendorChangeShare] = share);
  const timing = timingOf(scope, { ...rateItem.q, nature: "recurring", phase: "operate", starts: "go_live" });
  const spec = { item: rateItem, kind: "hidden" as const, timing, layer: "ownership" as const, phase: "operate" as const, nature: "recurring" as const, work: "changes" };
  if (vendorRate === null && share > 0) {
    scope.missing.push({ questionKey: rateItem.q.key, what: rateItem.q.text });
    return makeLine(ctx, { ...spec, amount: 0, source: "silent", answer: null, used, unpriced: true,
      reason: ctx.detail ? "The vendor's day rate for changes is not stated, and the vendor does some of the changes: this vendor's total cannot be bounded." : "" });
  }
  const amount = days * (share * (vendorRate ?? 0) + (1 - share) * buyerRate);
  const source = r.source === "answered" ? "answered" : r.source === "silent" ? "silent" : "not_asked";
  const shareWhy = s.source === "answered" ? "as the vendor states" : s.source === "silent" ? "the vendor's share not answered, so the dearer end" : `${FEATURE_ASSUMPTIONS.vendorChangeShare}, not asked`;
  return makeLine(ctx, { ...spec, amount, source, answer: r.source === "answered" ? r.value : null, used, unknown: r.source === "not_asked" || s.source !== "answered",
    reason: ctx.detail
      ? `${days} days of changes a year (${FEATURE_ASSUMPTIONS.changeDays}): ${percent(share, 0)} by the vendor (${shareWhy}) at ${money(vendorRate ?? 0, ctx.currency)} a day, the rest by the buyer at ${money(buyerRate, ctx.currency)}.`
      : "" });
}

/**
 * A minimum term beyond the horizon commits the buyer to the vendor's recurring prices for the
 * years past it: shown beside the adjusted total, not in it (the horizon is the buyer's choice).
 */
export function commitmentOf(scope: VendorScope, lines: CostLine[]): { commitment: VendorResult["commitment"]; status: VendorResult["minTermStatus"] } {
  const { ctx } = scope;
  const item = ctx.terms.min_term;
  if (!item) return { commitment: null, status: "not_asked" };
  const state = stateOf(ctx, item, scope.answers);
  if (state.source !== "answered") return { commitment: null, status: state.source === "silent" ? "not_stated" : "not_asked" };
  const stated = Math.max(0, state.value as number);
  // Terms beyond the longest a set may ask (30 years) are counted to it: the figure stays exact.
  const years = Math.min(stated, MAX_TERM_YEARS);
  const beyond = years - ctx.evaluation.horizonYears;
  if (beyond <= 0) return { commitment: null, status: "stated" };
  let amount = 0;
  for (const l of lines) {
    if (l.kind !== "quoted" || l.nature !== "recurring" || l.unpriced || l.timing.kind !== "rate") continue;
    for (let y = ctx.evaluation.horizonYears; y < years; y++) amount += l.amount * grown(l.timing.escalation, y) * Math.min(1, years - y);
  }
  return { commitment: { minTermYears: stated, yearsBeyond: beyond, amount: Math.min(Math.round(amount), MAX_LINE_YEAR) }, status: "stated" };
}
