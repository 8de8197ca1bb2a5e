import type { Layer, Nature, Phase } from "../domain.js";
import { stateOf } from "./answers.js";
import type { ScoreContext } from "./context.js";
import { linesOf, MAX_LINE_YEAR } from "./evaluate.js";
import { confidence, questionFlags } from "./flags.js";
import { assertionsPriced, type VendorPlan } from "./plan.js";
import { discountFactors, linePresentValue } from "./present.js";
import { roi } from "./roi.js";
import { escalation as grown } from "./schedule.js";
import type { CostLine, Split, VendorResult } from "./types.js";

/** Scores one planned vendor: its lines, totals and splits; flags, confidence and ROI when `detail` is set. */
export function scoreVendor(ctx: ScoreContext, plan: VendorPlan): VendorResult {
  const lines = linesOf(ctx, plan);
  countOnce(lines, ctx.detail);
  const outOfRange = guardRange(lines);
  const factors = discountFactors(ctx.discountRate, ctx.horizonMonths);
  for (const l of lines) l.presentValue = linePresentValue(l, ctx.evaluation.horizonYears, factors);
  return totals(ctx, plan, lines, outOfRange);
}

/**
 * Counts each piece of work once: of the lines that price the same work, the one with the largest
 * total counts and the others count 0, naming it (docs/cost-model.md, Overlaps). Taking the largest
 * keeps silence from ever being cheaper: a line priced from silence only rises.
 */
function countOnce(lines: CostLine[], detail: boolean): void {
  const groups = new Map<string, CostLine[]>();
  for (const l of lines) {
    if (l.unpriced) continue;
    const g = groups.get(l.work);
    if (g) g.push(l);
    else groups.set(l.work, [l]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const winner = group.reduce((a, b) => (b.total > a.total ? b : a));
    for (const l of group) {
      if (l === winner) continue;
      if (detail)
        l.reason = `Counted once, under ${winner.questionKey}, which prices the same work (${l.work}) at more. ${l.reason}`;
      l.countedUnder = winner.questionKey;
      l.amount = 0;
      l.total = 0;
      l.years = l.years.map(() => 0);
    }
  }
}

/** Clamps any amount beyond the model's exact range; returns whether any was. */
function guardRange(lines: CostLine[]): boolean {
  let out = false;
  for (const l of lines) {
    let clamped = l.amount > MAX_LINE_YEAR;
    if (clamped) l.amount = MAX_LINE_YEAR;
    for (let i = 0; i < l.years.length; i++)
      if (l.years[i]! > MAX_LINE_YEAR) ((l.years[i] = MAX_LINE_YEAR), (clamped = true));
    if (clamped) ((l.total = l.years.reduce((a, b) => a + b, 0)), (out = true));
  }
  return out;
}

function totals(ctx: ScoreContext, plan: VendorPlan, lines: CostLine[], outOfRange: boolean): VendorResult {
  const { vendor } = plan;
  const byLayer: Split<Layer> = { value: 0, governance: 0, support: 0, ownership: 0, rollout: 0 };
  const hiddenByLayer: Split<Layer> = { value: 0, governance: 0, support: 0, ownership: 0, rollout: 0 };
  const byPhase: Split<Phase> = { discovery: 0, implementation: 0, rollout: 0, operate: 0, transition: 0 };
  const byNature: Split<Nature> = { one_off: 0, temporary: 0, recurring: 0 };
  const byYear = new Array<number>(ctx.evaluation.horizonYears).fill(0);
  let present = 0;
  let priced = 0,
    hidden = 0,
    unknown = 0,
    entry = 0,
    quoted = 0,
    disclosed = 0,
    notAsked = 0,
    hiddenKnown = 0;
  let headlineAsked = false,
    headlineMissing = false;
  for (const l of lines) {
    priced += l.total;
    present += l.presentValue;
    byLayer[l.layer] += l.total;
    byPhase[l.phase] += l.total;
    byNature[l.nature] += l.total;
    for (let i = 0; i < l.years.length; i++) byYear[i]! += l.years[i]!;
    if (l.kind === "hidden") {
      hidden += l.total;
      hiddenByLayer[l.layer] += l.total;
      if (!l.unknown) hiddenKnown += l.total;
    } else if (l.kind === "quoted") quoted += l.total;
    else disclosed += l.total;
    if (l.unknown) unknown += l.total;
    if (l.source === "not_asked") notAsked += l.total;
  }
  for (const p of plan.lines) {
    if (!p.headline) continue;
    headlineAsked = true;
    if (p.unpriced) headlineMissing = true;
    else if (p.amount.kind === "fixed") entry += p.amount.value;
  }
  const complete = plan.missing.length === 0 && !outOfRange;
  const status = vendor.status ?? "submitted";
  const entryStatus = !headlineAsked ? "not_asked" : headlineMissing ? "not_quoted" : "quoted";
  const entryPrice = entryStatus === "quoted" ? entry : null;
  const result: VendorResult = {
    vendorId: vendor.id,
    name: vendor.name,
    kind: vendor.kind ?? "vendor",
    currency: ctx.currency,
    status,
    rankable: status === "submitted" || ctx.evaluation.rankUnsubmitted === true,
    complete,
    missing: plan.missing,
    outOfRange,
    lines,
    entryPrice,
    entryStatus,
    pricedTotal: priced,
    adjustedTotal: complete ? priced : null,
    presentTotal: complete ? present : null,
    quotedTotal: quoted,
    hiddenTotal: hidden,
    disclosedTotal: disclosed,
    unknownTotal: unknown,
    notAskedTotal: notAsked,
    hiddenShare: priced > 0 ? hidden / priced : 0,
    unknownShare: priced > 0 ? unknown / priced : 0,
    components: {
      entry: entryPrice ?? 0,
      quotedAfterEntry: quoted - (entryPrice ?? 0),
      disclosed,
      hidden: hiddenKnown,
      unknown,
    },
    byLayer,
    hiddenByLayer,
    byPhase,
    byNature,
    byYear,
    commitment: null,
    minTermStatus: "not_asked",
    flags: [],
    confidence: { evidenced: [], asserted: [], assertedPricedAsPartial: assertionsPriced(ctx) },
    roi: null,
    answered: 0,
    asked: 0,
    entryRank: null,
    adjustedRank: null,
    nominalRank: null,
    presentRank: null,
    stages: [],
    asks: [],
    allAsks: null,
  };
  if (ctx.detail) {
    const c = commitmentOf(ctx, plan, lines);
    result.commitment = c.commitment;
    result.minTermStatus = c.status;
    result.flags = questionFlags(ctx, plan, lines);
    result.confidence = confidence(ctx, plan);
    result.roi = roi(ctx, plan, result);
    countAnswers(ctx, plan, result);
  }
  return result;
}

/** The longest minimum term counted beyond the horizon, in years: the figure stays exact. */
const MAX_TERM_YEARS = 30;

/**
 * A minimum term beyond the horizon commits the buyer to the vendor's recurring prices for the
 * years past it: shown beside the adjusted total, not in it (the horizon is the buyer's choice).
 */
function commitmentOf(
  ctx: ScoreContext,
  plan: VendorPlan,
  lines: CostLine[],
): { commitment: VendorResult["commitment"]; status: VendorResult["minTermStatus"] } {
  const item = ctx.terms.min_term;
  if (!item) return { commitment: null, status: "not_asked" };
  const state = stateOf(ctx, item, plan.answers);
  if (state.source !== "answered")
    return { commitment: null, status: state.source === "silent" ? "not_stated" : "not_asked" };
  const stated = Math.max(0, state.value as number);
  const years = Math.min(stated, MAX_TERM_YEARS);
  const beyond = years - ctx.evaluation.horizonYears;
  if (beyond <= 0) return { commitment: null, status: "stated" };
  let amount = 0;
  for (const l of lines) {
    if (l.kind !== "quoted" || l.nature !== "recurring" || l.unpriced || l.timing.kind !== "rate") continue;
    for (let y = ctx.evaluation.horizonYears; y < years; y++)
      amount += l.amount * grown(l.timing.escalation, y) * Math.min(1, years - y);
  }
  return {
    commitment: { minTermYears: stated, yearsBeyond: beyond, amount: Math.min(Math.round(amount), MAX_LINE_YEAR) },
    status: "stated",
  };
}

/** Questions shown to the vendor (as the portal shows them) and how many it answered. */
function countAnswers(ctx: ScoreContext, plan: VendorPlan, result: VendorResult): void {
  for (const item of ctx.items) {
    const state = stateOf(ctx, item, plan.answers);
    if (state.source === "not_asked" || state.source === "hidden") continue;
    const cond = item.q.shows_if;
    if (cond && plan.answers[cond.question] === undefined) continue;
    result.asked++;
    if (state.source === "answered") result.answered++;
  }
}
