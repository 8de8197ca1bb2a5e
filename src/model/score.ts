import { COVERAGE_LABELS, LAYERS, MODEL_ASSUMPTIONS, NATURES, PHASES } from "../domain.js";
import { money, percent } from "../format.js";
import { coverageStatus } from "../questions/answers.js";
import type { Question } from "../questions/schema.js";
import { stateOf, matches, type State } from "./answers.js";
import type { Item, ScoreContext } from "./context.js";
import { estimateItem, type Estimate } from "./estimate.js";
import { guardRange, makeLine, timingOf, type VendorScope } from "./lines.js";
import { changesLine, commitmentOf, escalationOf, pilotUplift } from "./terms.js";
import type { CostLine, Missing, ModelVendor, Split, VendorResult } from "./types.js";
import { confidence, questionFlags } from "./flags.js";
import { roi } from "./roi.js";

/** Scores one vendor: its lines, totals and splits; flags, confidence and ROI when `detail` is set. */
export function scoreVendor(ctx: ScoreContext, vendor: ModelVendor): VendorResult {
  const answers = vendor.answers;
  const missing: Missing[] = [];
  const scope: VendorScope = { ctx, vendor, answers, escalation: escalationOf(ctx, answers, missing), missing };
  const lines: CostLine[] = [];
  for (const item of ctx.items) {
    const q = item.q;
    if (q.quote !== undefined) lines.push(...quoteLine(scope, item));
    else if (q.estimate !== undefined) {
      const line = q.type === "coverage" ? coverageLine(scope, item) : q.type === "number" ? effortLine(scope, item) : choiceLine(scope, item);
      if (line) lines.push(line);
    }
  }
  const uplift = pilotUplift(scope, lines);
  if (uplift) lines.push(uplift);
  const changes = changesLine(scope);
  if (changes) lines.push(changes);
  countOnce(lines, ctx.detail);
  const outOfRange = guardRange(lines);
  return totals(scope, lines, outOfRange);
}

const per = (q: Question) => (q.nature === "one_off" ? "" : " a year");

/** A quoted price: the vendor's figure, or — left blank — a missing figure that leaves the total unbounded. */
function quoteLine(scope: VendorScope, item: Item): CostLine[] {
  const { ctx } = scope;
  const q = item.q;
  const state = stateOf(ctx, item, scope.answers);
  if (state.source === "not_asked" || state.source === "hidden") return [];
  const timing = timingOf(scope, q, { quoted: true });
  if (state.source === "silent") {
    scope.missing.push({ questionKey: q.key, what: q.text });
    return [makeLine(ctx, { item, kind: "quoted", amount: 0, timing, source: "silent", answer: null, used: {}, unpriced: true, headline: q.headline,
      reason: ctx.detail ? "Not quoted. Truecost never invents a vendor's price: without it this vendor's total cannot be bounded or compared." : "" })];
  }
  const value = state.value as number;
  const escalated = timing.kind === "rate" && timing.escalation > 0 && ctx.evaluation.horizonYears > 1;
  return [makeLine(ctx, { item, kind: "quoted", amount: value, timing, source: "answered", answer: value, headline: q.headline,
    used: escalated ? { ...scope.escalation.used } : {},
    reason: ctx.detail ? `Quoted by the vendor: ${money(value, ctx.currency)}${per(q)}${escalated ? `, rising ${percent(timing.escalation, 1)} a year (${scope.escalation.why})` : ""}.` : "" })];
}

/** The estimate of a priced question, scaled by another answer when the question says so (silence takes the largest factor). */
function estimateOf(scope: VendorScope, q: Question): Estimate {
  const rule = q.estimate!;
  const scale = rule.scale_by;
  if (!scale) return estimateItem(rule, scope.ctx);
  const item = scope.ctx.byKey.get(scale.question)!;
  const state = stateOf(scope.ctx, item, scope.answers);
  const factors = Object.entries(scale.factors).map(([value, key]) => ({ value, key, factor: Math.max(0, scope.ctx.assumptions[key] ?? 1) }));
  let chosen = { key: "", value: 1, why: "" };
  if (state.source === "answered") {
    const f = factors.find((x) => x.value === String(state.value));
    if (f) chosen = { key: f.key, value: f.factor, why: `${scale.question} is ${f.value}` };
  } else {
    const worst = factors.reduce((a, b) => (b.factor > a.factor ? b : a), { value: "", key: "", factor: 1 });
    if (worst.key) chosen = { key: worst.key, value: worst.factor, why: `${scale.question} ${state.source === "not_asked" ? "not asked" : "not answered"}, so the largest factor` };
  }
  return estimateItem(rule, scope.ctx, chosen.key ? chosen : undefined);
}

/** Whether an "included" claim needs evidence to count: the question expects it, or the tier expects it of every control. */
function evidenceExpected(ctx: ScoreContext, q: Question): boolean {
  return q.evidence || (ctx.evaluation.tier === "system_of_record" && q.control);
}

function backed(scope: VendorScope, key: string): boolean {
  return (scope.vendor.evidence?.[key] ?? 0) > 0 || scope.vendor.explained?.[key] === true;
}

/** Asserted claims are priced as partial in the system-of-record tier always, elsewhere when the evaluation asks for it. */
export function assertionsPriced(ctx: ScoreContext): boolean {
  return ctx.evaluation.tier === "system_of_record" || ctx.evaluation.unevidencedIncludedAsPartial === true;
}

/** A coverage item: what the quote leaves to the buyer. */
function coverageLine(scope: VendorScope, item: Item): CostLine | null {
  const { ctx } = scope;
  const q = item.q;
  const state = stateOf(ctx, item, scope.answers);
  if (state.source === "hidden") return null;
  const timing = timingOf(scope, q);
  const est = estimateOf(scope, q);
  const d = ctx.detail;
  if (state.source !== "answered") {
    const why = state.source === "not_asked" ? "Not asked (section not sent)" : "Not answered";
    return makeLine(ctx, { item, kind: "hidden", amount: est.amount, timing, source: state.source, answer: null, used: est.used, unknown: true,
      reason: d ? `${why}; priced in full at ${est.how}, so that silence never looks cheaper than an answer.` : "" });
  }
  const value = state.value;
  const status = coverageStatus(value)!;
  const price = typeof value === "object" && !Array.isArray(value) ? value.price : undefined;
  const partial = ctx.partialShare;
  const partialUsed = { ...est.used, [MODEL_ASSUMPTIONS.partialShare]: partial };
  if (status === "not_applicable") return null;
  if (status === "included") {
    if (!evidenceExpected(ctx, q) || !assertionsPriced(ctx) || backed(scope, q.key)) return null;
    return makeLine(ctx, { item, kind: "hidden", amount: est.amount * partial, timing, source: "answered", answer: value, used: partialUsed, asserted: true,
      reason: d ? `Claimed as included without the evidence ${ctx.evaluation.tier === "system_of_record" ? "the system-of-record tier expects" : "asked for"}, so priced as partial: ${pct(partial)} of ${est.how}.` : "" });
  }
  const buyerShare = status === "partial" ? est.amount * partial : est.amount;
  const used = status === "partial" ? partialUsed : est.used;
  const basis = status === "partial" ? `${pct(partial)} (partial_share) of ${est.how}` : est.how;
  if (price !== undefined) {
    // The buyer would not pay more for an option than doing the work itself: the lower of the two counts.
    if (price <= buyerShare)
      return makeLine(ctx, { item, kind: "quoted", amount: price, timing, source: "answered", answer: value, used: {},
        reason: d ? `${COVERAGE_LABELS[status]}; the vendor prices it separately at ${money(price, ctx.currency)}${per(q)}, outside the headline quote.` : "" });
    return makeLine(ctx, { item, kind: "hidden", amount: buyerShare, timing, source: "answered", answer: value, used,
      reason: d ? `${COVERAGE_LABELS[status]}; the vendor's separate price ${money(price, ctx.currency)}${per(q)} is above what the buyer's own work costs, so the buyer funds ${basis}.` : "" });
  }
  if (status === "partial")
    return makeLine(ctx, { item, kind: "hidden", amount: buyerShare, timing, source: "answered", answer: value, used,
      reason: d ? `Only partly included; the buyer funds ${basis}.` : "" });
  return makeLine(ctx, { item, kind: "hidden", amount: buyerShare, timing, source: "answered", answer: value, used,
    reason: d ? `${COVERAGE_LABELS[status]} in the quote; the buyer funds ${basis}.` : "" });
}

/**
 * Buyer effort the vendor discloses in days (e.g. human review). Shown even at zero. The tier's
 * floor (the estimate's days) applies to a figure below it: not in a pilot; in production when the
 * figure is only asserted (no evidence, no explanation); always in the system-of-record tier.
 */
function effortLine(scope: VendorScope, item: Item): CostLine | null {
  const { ctx } = scope;
  const q = item.q;
  const state = stateOf(ctx, item, scope.answers);
  if (state.source === "hidden") return null;
  const timing = timingOf(scope, q);
  const est = estimateItem(q.estimate!, ctx);
  const floorDays = est.amount / Math.max(1, ctx.dayRateMinor);
  const rate = money(ctx.dayRateMinor, ctx.currency);
  const d = ctx.detail;
  if (state.source === "not_asked")
    return makeLine(ctx, { item, kind: "hidden", amount: est.amount, timing, source: "not_asked", answer: null, used: est.used, unknown: true,
      reason: d ? `Not asked (section not sent); priced at the buyer's own figure, ${est.how}.` : "" });
  if (state.source === "silent") {
    scope.missing.push({ questionKey: q.key, what: q.text });
    return makeLine(ctx, { item, kind: "disclosed", amount: 0, timing, source: "silent", answer: null, used: {}, unpriced: true,
      reason: d ? "Not stated. Only the vendor can say how much of the buyer's time its system needs: without it this vendor's total cannot be bounded or compared." : "" });
  }
  const days = Math.max(0, state.value as number);
  const tier = ctx.evaluation.tier;
  const below = days < floorDays;
  const evidenced = backed(scope, q.key);
  const floorApplies = below && (tier === "system_of_record" || (tier === "production" && !evidenced));
  const stated = `The vendor expects ${days} buyer days${per(q)}`;
  if (floorApplies)
    return makeLine(ctx, { item, kind: "disclosed", amount: est.amount, timing, source: "answered", answer: days, used: est.used, asserted: true,
      reason: d ? `${stated}, below the ${tier === "system_of_record" ? "system-of-record" : "production"} tier's floor${tier === "production" ? " and without evidence or an explanation" : ""}; priced at the floor, ${est.how}.` : "" });
  return makeLine(ctx, { item, kind: "disclosed", amount: days * ctx.dayRateMinor, timing, source: "answered", answer: days, used: {}, asserted: below,
    reason: d ? `${stated} at ${rate} a day${below ? (tier === "pilot" ? "; a pilot takes the figure as given" : "; backed by evidence or an explanation, so taken as given") : ""}.` : "" });
}

/** A yes/no or choice answer that causes a cost (e.g. paying again for work on exit); silence counts as causing it. */
function choiceLine(scope: VendorScope, item: Item): CostLine | null {
  const { ctx } = scope;
  const q = item.q;
  const state = stateOf(ctx, item, scope.answers);
  if (state.source === "hidden") return null;
  if (state.source === "answered" && !matches(q.estimate!.applies_when!, state.value)) return null;
  const est = estimateOf(scope, q);
  const timing = timingOf(scope, q);
  const d = ctx.detail;
  const why = state.source === "answered" ? "The answer means the buyer funds it" : state.source === "not_asked" ? "Not asked (section not sent); priced as if it applies" : "Not answered; priced as if it applies";
  return makeLine(ctx, { item, kind: "hidden", amount: est.amount, timing, source: state.source, answer: state.source === "answered" ? state.value : null, used: est.used,
    unknown: state.source !== "answered", reason: d ? `${why}: ${est.how}.` : "" });
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
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
      if (detail) l.reason = `Counted once, under ${winner.questionKey}, which prices the same work (${l.work}) at more. ${l.reason}`;
      l.countedUnder = winner.questionKey;
      l.amount = 0;
      l.total = 0;
      l.years = l.years.map(() => 0);
    }
  }
}

function zeros<K extends string>(keys: readonly K[]): Split<K> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Split<K>;
}

function totals(scope: VendorScope, lines: CostLine[], outOfRange: boolean): VendorResult {
  const { ctx, vendor } = scope;
  const byLayer = zeros(LAYERS);
  const hiddenByLayer = zeros(LAYERS);
  const byPhase = zeros(PHASES);
  const byNature = zeros(NATURES);
  const byYear = new Array<number>(ctx.evaluation.horizonYears).fill(0);
  let priced = 0, hidden = 0, unknown = 0, entry = 0, quoted = 0, disclosed = 0, notAsked = 0, hiddenKnown = 0;
  let headlineAsked = false, headlineMissing = false;
  for (const l of lines) {
    priced += l.total;
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
    if (l.headline) {
      headlineAsked = true;
      if (l.unpriced) headlineMissing = true;
      else entry += l.amount;
    }
  }
  const complete = scope.missing.length === 0 && !outOfRange;
  const status = vendor.status ?? "submitted";
  const entryStatus = !headlineAsked ? "not_asked" : headlineMissing ? "not_quoted" : "quoted";
  const entryPrice = entryStatus === "quoted" ? entry : null;
  const result: VendorResult = {
    vendorId: vendor.id, name: vendor.name, currency: ctx.currency, status,
    rankable: status === "submitted" || ctx.evaluation.rankUnsubmitted === true,
    complete, missing: scope.missing, outOfRange, lines, entryPrice, entryStatus,
    pricedTotal: priced, adjustedTotal: complete ? priced : null, quotedTotal: quoted, hiddenTotal: hidden, disclosedTotal: disclosed, unknownTotal: unknown, notAskedTotal: notAsked,
    hiddenShare: priced > 0 ? hidden / priced : 0,
    unknownShare: priced > 0 ? unknown / priced : 0,
    components: { entry: entryPrice ?? 0, quotedAfterEntry: quoted - (entryPrice ?? 0), disclosed, hidden: hiddenKnown, unknown },
    byLayer, hiddenByLayer, byPhase, byNature, byYear,
    commitment: null, minTermStatus: "not_asked",
    flags: [], confidence: { evidenced: [], asserted: [], assertedPricedAsPartial: assertionsPriced(ctx) }, roi: null,
    answered: 0, asked: 0, entryRank: null, adjustedRank: null,
  };
  if (ctx.detail) {
    const c = commitmentOf(scope, lines);
    result.commitment = c.commitment;
    result.minTermStatus = c.status;
    result.flags = questionFlags(scope, lines);
    result.confidence = confidence(scope);
    result.roi = roi(ctx, result);
    countAnswers(scope, result);
  }
  return result;
}

/** Questions shown to the vendor (as the portal shows them) and how many it answered. */
function countAnswers(scope: VendorScope, result: VendorResult): void {
  for (const item of scope.ctx.items) {
    const state: State = stateOf(scope.ctx, item, scope.answers);
    if (state.source === "not_asked" || state.source === "hidden") continue;
    const cond = item.q.shows_if;
    if (cond && scope.answers[cond.question] === undefined) continue;
    result.asked++;
    if (state.source === "answered") result.answered++;
  }
}
