import { COVERAGE_LABELS, LAYERS, MODEL_ASSUMPTIONS, NATURES, PHASES, type Role } from "../domain.js";
import { money } from "../format.js";
import { coverageStatus, isShown, type AnswerValue } from "../questions/answers.js";
import type { Question, QuestionSet } from "../questions/schema.js";
import { estimateItem, type Bases, type EstimateContext } from "./estimate.js";
import { questionFlags } from "./flags.js";
import { roi } from "./roi.js";
import { roundMinor, schedule } from "./schedule.js";
import type { CostLine, ModelEvaluation, ModelVendor, Split, VendorResult } from "./types.js";

/** What scoring one vendor needs besides its answers; built once per model run. */
export interface ScoreContext extends EstimateContext {
  set: QuestionSet;
  evaluation: ModelEvaluation;
  questions: { q: Question; role: Role; asked: boolean }[];
  /** Highest answer any vendor gave per price or day-count question, for pricing a blank one. */
  peerMax: Record<string, number>;
}

type Answers = ModelVendor["answers"];

/** Scores one vendor: its quoted and hidden lines, totals and splits; flags and ROI when `detail` is set. */
export function scoreVendor(ctx: ScoreContext, vendor: ModelVendor): VendorResult {
  const lines: CostLine[] = [];
  const bases: Bases = { implementation_fee: 0, annual_licence: 0, annual_run_cost: 0 };
  let asked = 0;
  let answered = 0;
  if (ctx.detail)
    for (const item of ctx.questions) {
      if (!item.asked || !isShown(item.q, vendor.answers)) continue;
      asked++;
      if (vendor.answers[item.q.key] !== undefined) answered++;
    }
  // Quoted prices first: the bases of every share-based estimate come from them.
  for (const item of ctx.questions) if (item.q.quote) lines.push(quoteLine(ctx, item, vendor.answers, bases));
  for (const item of ctx.questions) {
    const line = item.q.type === "coverage" ? coverageLine(ctx, item, vendor, bases) : item.q.type === "number" && item.q.estimate ? daysLine(ctx, item, vendor.answers, bases) : null;
    if (line && (line.amount > 0 || line.unknown)) lines.push(line);
  }
  return totals(ctx, vendor, lines, asked, answered);
}

function quoteLine(ctx: ScoreContext, item: ScoreContext["questions"][number], answers: Answers, bases: Bases): CostLine {
  const q = item.q;
  const value = item.asked ? answers[q.key] : undefined;
  let line: CostLine;
  if (typeof value === "number") {
    line = makeLine(ctx, item, "quoted", q.headline, value, false, value, {}, ctx.detail ? `Quoted by the vendor: ${money(value, ctx.currency)}${q.nature === "recurring" ? " a year" : ""}.` : "");
  } else {
    const est = estimateItem(q.estimate!, bases, ctx);
    const peer = ctx.peerMax[q.key] ?? 0;
    const amount = Math.max(peer, est.amount);
    const why = !item.asked ? "Not asked (section not sent)" : "Left blank by the vendor";
    const how = peer >= est.amount && peer > 0 ? `the highest price another vendor quoted (${money(peer, ctx.currency)})` : est.how;
    line = makeLine(ctx, item, "hidden", false, amount, true, null, est.used, ctx.detail ? `${why}; priced at ${how}, so that silence never looks cheaper.` : "");
  }
  if (q.quote === "implementation") bases.implementation_fee += line.amount;
  if (q.quote === "licence") bases.annual_licence += line.amount;
  if (q.quote === "licence" || q.quote === "usage" || q.quote === "support") bases.annual_run_cost += line.amount;
  return line;
}

function coverageLine(ctx: ScoreContext, item: ScoreContext["questions"][number], vendor: ModelVendor, bases: Bases): CostLine | null {
  const q = item.q;
  if (item.asked && !isShown(q, vendor.answers)) return null;
  const value = item.asked ? vendor.answers[q.key] : undefined;
  const status = coverageStatus(value);
  if (status === "not_applicable" || (status === "included" && !(q.evidence && ctx.evaluation.unevidencedIncludedAsPartial))) return null;
  const price = value !== undefined && typeof value === "object" && !Array.isArray(value) ? value.price : undefined;
  const est = estimateItem(q.estimate!, bases, ctx);
  const partial = ctx.assumptions[MODEL_ASSUMPTIONS.partialShare] ?? 0.5;
  const d = ctx.detail;
  const answer = value ?? null;
  switch (status) {
    case undefined: {
      const why = item.asked ? "Not answered" : "Not asked (section not sent)";
      return makeLine(ctx, item, "hidden", false, est.amount, true, answer, est.used, d ? `${why}; priced in full at ${est.how}, so that silence never looks cheaper.` : "");
    }
    case "included": {
      if ((vendor.evidence?.[q.key] ?? 0) > 0) return null;
      return makeLine(ctx, item, "hidden", false, est.amount * partial, false, answer, { ...est.used, [MODEL_ASSUMPTIONS.partialShare]: partial },
        d ? `Claimed as included without the evidence asked for, so priced as partial: ${pct(partial)} of ${est.how}.` : "");
    }
  }
  if (price !== undefined)
    return makeLine(ctx, item, "quoted", false, price, false, answer, {}, d ? `${COVERAGE_LABELS[status]}; the vendor prices it separately at ${money(price, ctx.currency)}${q.nature === "recurring" ? " a year" : ""}, outside the headline quote.` : "");
  if (status === "partial")
    return makeLine(ctx, item, "hidden", false, est.amount * partial, false, answer, { ...est.used, [MODEL_ASSUMPTIONS.partialShare]: partial },
      d ? `Only partly included; the buyer funds ${pct(partial)} (partial_share) of ${est.how}.` : "");
  return makeLine(ctx, item, "hidden", false, est.amount, false, answer, est.used, d ? `${COVERAGE_LABELS[status]} in the quote; the buyer funds ${est.how}.` : "");
}

/** A number question counted in buyer days (e.g. review effort): the vendor's days, or the assumption when blank. */
function daysLine(ctx: ScoreContext, item: ScoreContext["questions"][number], answers: Answers, bases: Bases): CostLine | null {
  const q = item.q;
  if (item.asked && !isShown(q, answers)) return null;
  const value = item.asked ? answers[q.key] : undefined;
  if (typeof value === "number") {
    const days = Math.max(0, value);
    return makeLine(ctx, item, "hidden", false, days * ctx.dayRateMinor, false, value, {},
      ctx.detail ? `The vendor expects ${days} buyer days${q.nature === "recurring" ? " a year" : ""} at ${money(ctx.dayRateMinor, ctx.currency)} a day.` : "");
  }
  const est = estimateItem(q.estimate!, bases, ctx);
  const peerDays = ctx.peerMax[q.key] ?? 0;
  const usePeer = peerDays * ctx.dayRateMinor > est.amount;
  const how = usePeer ? `the most days another vendor gave (${peerDays}) at ${money(ctx.dayRateMinor, ctx.currency)} a day` : est.how;
  return makeLine(ctx, item, "hidden", false, Math.max(est.amount, peerDays * ctx.dayRateMinor), true, null, est.used,
    ctx.detail ? `${item.asked ? "Not answered" : "Not asked (section not sent)"}; priced at ${how}, so that silence never looks cheaper.` : "");
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

function makeLine(
  ctx: ScoreContext, item: ScoreContext["questions"][number], kind: CostLine["kind"], headline: boolean,
  rawAmount: number, unknown: boolean, answer: AnswerValue | null, used: Record<string, number>, reason: string,
): CostLine {
  const q = item.q;
  const amount = roundMinor(rawAmount);
  const rolloutMonths = ctx.assumptions[MODEL_ASSUMPTIONS.rolloutMonths] ?? 0;
  const years = schedule(q.nature!, q.phase!, amount, ctx.evaluation.horizonYears, rolloutMonths);
  if (q.nature === "recurring" && q.phase === "rollout") used = { ...used, [MODEL_ASSUMPTIONS.rolloutMonths]: rolloutMonths };
  let total = 0;
  for (const y of years) total += y;
  return { kind, headline: kind === "quoted" && headline, layer: q.layer!, phase: q.phase!, nature: q.nature!, amount, total, years, questionKey: q.key, role: item.role, answer, assumptions: used, unknown, reason };
}

function zeros<K extends string>(keys: readonly K[]): Split<K> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Split<K>;
}

function totals(ctx: ScoreContext, vendor: ModelVendor, lines: CostLine[], asked: number, answered: number): VendorResult {
  const byLayer = zeros(LAYERS);
  const hiddenByLayer = zeros(LAYERS);
  const byPhase = zeros(PHASES);
  const byNature = zeros(NATURES);
  const byYear = new Array<number>(ctx.evaluation.horizonYears).fill(0);
  let adjustedTotal = 0, hiddenTotal = 0, unknownTotal = 0, entryPrice = 0, quotedTotal = 0;
  for (const l of lines) {
    adjustedTotal += l.total;
    byLayer[l.layer] += l.total;
    byPhase[l.phase] += l.total;
    byNature[l.nature] += l.total;
    l.years.forEach((y, i) => (byYear[i]! += y));
    if (l.kind === "hidden") (hiddenTotal += l.total), (hiddenByLayer[l.layer] += l.total);
    else quotedTotal += l.total;
    if (l.unknown) unknownTotal += l.total;
    if (l.headline) entryPrice += l.amount;
  }
  const result: VendorResult = {
    vendorId: vendor.id, name: vendor.name, currency: ctx.currency, lines, entryPrice, quotedTotal, adjustedTotal, hiddenTotal, unknownTotal,
    hiddenShare: adjustedTotal > 0 ? hiddenTotal / adjustedTotal : 0,
    unknownShare: adjustedTotal > 0 ? unknownTotal / adjustedTotal : 0,
    byLayer, hiddenByLayer, byPhase, byNature, byYear, flags: [], confidence: { evidenced: [], asserted: [], assertedPricedAsPartial: false }, roi: null, asked, answered,
  };
  if (ctx.detail) {
    result.flags = questionFlags(ctx, vendor);
    result.confidence = confidence(ctx, vendor);
    result.roi = roi(ctx, lines);
  }
  return result;
}

function confidence(ctx: ScoreContext, vendor: ModelVendor): VendorResult["confidence"] {
  const out: VendorResult["confidence"] = { evidenced: [], asserted: [], assertedPricedAsPartial: !!ctx.evaluation.unevidencedIncludedAsPartial };
  for (const { q, asked } of ctx.questions) {
    if (!asked || !q.evidence || q.type !== "coverage" || coverageStatus(vendor.answers[q.key]) !== "included") continue;
    ((vendor.evidence?.[q.key] ?? 0) > 0 ? out.evidenced : out.asserted).push(q.key);
  }
  return out;
}
