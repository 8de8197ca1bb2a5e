import type { FlagId } from "../domain.js";
import { coverageStatus, type AnswerValue } from "../questions/answers.js";
import type { Question } from "../questions/schema.js";
import type { ScoreContext, StaticContext } from "./context.js";
import { questionFlags } from "./flags.js";
import { planVendor, replan, type VendorPlan } from "./plan.js";
import { scoreVendor } from "./score.js";
import type { AllAsks, Ask, CostLine, ModelVendor, RankOn, VendorResult } from "./types.js";

/**
 * Negotiation asks. For each question whose answer leaves cost to the buyer (hidden lines, priced
 * from the answer or from silence), the answers the vendor could give instead are tried through
 * the same plan and score as its own, and the cheapest becomes the ask: what the vendor's total
 * would save, its rank with that alone granted, and the flags it would clear. An ask is kept only
 * when it saves something, so granting one never raises a total (docs/cost-model.md, Asks).
 */
export function asksOf(
  base: StaticContext,
  ctx: ScoreContext,
  plan: VendorPlan,
  v: VendorResult,
  others: readonly VendorResult[],
  rankOn: RankOn,
  stillFlagged: (after: VendorResult) => boolean,
): { asks: Ask[]; all: AllAsks | null } {
  const keys = new Set(
    v.lines.filter((l) => l.kind === "hidden" && l.source !== "not_asked" && l.total > 0).map((l) => l.questionKey),
  );
  const figure = (r: VendorResult) => (rankOn === "present" ? r.presentTotal : r.adjustedTotal);
  const rankAmong = (r: VendorResult): number | null => {
    const x = figure(r);
    if (!r.rankable || x === null) return null;
    return 1 + others.filter((o) => o.rankable && figure(o) !== null && figure(o)! < x).length;
  };
  const before = new Set<FlagId>(v.flags.map((f) => f.id));
  // Alternatives are scored without lines' reasons, which an ask does not show.
  const fast: ScoreContext = { ...ctx, detail: false };
  const asks: Ask[] = [];
  for (const key of keys) {
    const item = base.byKey.get(key);
    if (!item) continue;
    const today = plan.answers[key];
    let best: { answer: AnswerValue; plan: VendorPlan; r: VendorResult } | null = null;
    for (const answer of alternatives(item.q, today)) {
      const p = replan(base, plan, granted(plan.vendor, item.q, answer), key);
      const r = withoutLines(base, v, p, key) ?? scoreVendor(fast, p);
      if (!best || r.pricedTotal < best.r.pricedTotal) best = { answer, plan: p, r };
    }
    if (!best || best.r.pricedTotal >= v.pricedTotal) continue;
    const r = best.r;
    // A flag can clear only when this question alone raised it: only then are the flags raised again.
    const alone = v.flags.some((f) => f.questionKeys.length > 0 && f.questionKeys.every((k) => k === key));
    const after = new Set<FlagId>(
      (alone ? questionFlags(ctx, best.plan, r.lines) : v.flags.filter((f) => f.questionKeys.length > 0)).map(
        (f) => f.id,
      ),
    );
    if (before.has("cheap_by_exclusion") && stillFlagged(r)) after.add("cheap_by_exclusion");
    const line = v.lines.find((l) => l.questionKey === key && l.kind === "hidden")!;
    asks.push({
      questionKey: key,
      layer: line.layer,
      phase: line.phase,
      today: today ?? null,
      answer: best.answer,
      withEvidence: item.q.evidence && coverageStatus(best.answer) === "included",
      saving: v.pricedTotal - r.pricedTotal,
      presentSaving: presentOf(v) - presentOf(r),
      totalAfter: r.adjustedTotal,
      rankBefore: rankAmong(v),
      rankAfter: rankAmong(r),
      flagsCleared: [...before].filter((f) => !after.has(f)),
    });
  }
  asks.sort((a, b) => b.saving - a.saving || a.questionKey.localeCompare(b.questionKey));
  if (!asks.length) return { asks, all: null };
  // Every ask granted at once: shared work is counted once, so the saving is not the sum of the asks'.
  let vendor = plan.vendor;
  for (const a of asks) vendor = granted(vendor, base.byKey.get(a.questionKey)!.q, a.answer);
  const r = scoreVendor(fast, planVendor(base, vendor));
  return {
    asks,
    all: { saving: v.pricedTotal - r.pricedTotal, totalAfter: r.adjustedTotal, rankAfter: rankAmong(r) },
  };
}

/**
 * The vendor's result when a re-planned question now gives no line (an item granted as included)
 * and its work is not shared: its own lines drop out of every total, each of which is a plain sum
 * of lines (model/score.ts). Null when the question still gives a line or shares its work: then
 * the plan is scored in full. Scored without lines' reasons, which an ask does not show.
 */
function withoutLines(ctx: StaticContext, v: VendorResult, p: VendorPlan, key: string): VendorResult | null {
  const item = ctx.byKey.get(key)!;
  if (p.lines.some((l) => l.item === item) || ctx.sharedWorks.has(item.work)) return null;
  const gone = v.lines.filter((l) => l.questionKey === key);
  if (gone.some((l) => l.kind !== "hidden" || l.unpriced)) return null;
  const sum = (f: (l: CostLine) => number) => gone.reduce((a, l) => a + f(l), 0);
  const total = sum((l) => l.total),
    present = sum((l) => l.presentValue),
    unknown = sum((l) => (l.unknown ? l.total : 0));
  return {
    ...v,
    lines: v.lines.filter((l) => l.questionKey !== key),
    pricedTotal: v.pricedTotal - total,
    adjustedTotal: v.adjustedTotal === null ? null : v.adjustedTotal - total,
    presentTotal: v.presentTotal === null ? null : v.presentTotal - present,
    hiddenTotal: v.hiddenTotal - total,
    unknownTotal: v.unknownTotal - unknown,
    components: {
      ...v.components,
      hidden: v.components.hidden - (total - unknown),
      unknown: v.components.unknown - unknown,
    },
  };
}

/** The lines' present value, comparable or not. */
function presentOf(v: VendorResult): number {
  let s = 0;
  for (const l of v.lines) s += l.presentValue;
  return s;
}

/** The answers a vendor could give instead of `today`: "included" for coverage, the other choices otherwise. */
function alternatives(q: Question, today: AnswerValue | undefined): AnswerValue[] {
  const status = today === undefined ? undefined : coverageStatus(today);
  switch (q.type) {
    case "coverage":
      // Already "included" but priced as partial for want of evidence: only the evidence can lower it.
      return status !== "included" || q.evidence ? [{ status: "included" }] : [];
    case "yes_no":
      return [true, false].filter((x) => x !== today);
    case "single_choice":
      return (q.options ?? []).map((o) => o.value).filter((x) => x !== today);
    default:
      return [];
  }
}

/**
 * The vendor with one answer replaced; an "included" on a question expecting evidence comes with
 * it. The answers and evidence lie over the vendor's own (the model reads answers by key only), so
 * that trying every ask copies neither.
 */
function granted(vendor: ModelVendor, q: Question, answer: AnswerValue): ModelVendor {
  const over = <T>(under: Readonly<Record<string, T>> | undefined, value: T) =>
    Object.create(under ?? null, { [q.key]: { value, enumerable: true } }) as Record<string, T>;
  const evidence =
    q.evidence && coverageStatus(answer) === "included"
      ? over(vendor.evidence, Math.max(1, vendor.evidence?.[q.key] ?? 0))
      : vendor.evidence;
  return { ...vendor, answers: over(vendor.answers, answer), evidence };
}
