import { MODEL_ASSUMPTIONS, type FlagId } from "../domain.js";
import { money, percent } from "../format.js";
import { isShown } from "../questions/answers.js";
import type { QuestionSet } from "../questions/schema.js";
import { raise, sortFlags } from "./flags.js";
import { scoreVendor, type ScoreContext } from "./score.js";
import type { Flag, ModelEvaluation, ModelInput, ModelResult, RankFlip, SensitivityRow, VendorResult } from "./types.js";

export type * from "./types.js";

/** The assumptions in force: the set's default for the tier, overridden by the evaluation. */
export function resolveAssumptions(set: QuestionSet, evaluation: ModelEvaluation): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of set.assumptions) out[a.key] = evaluation.assumptions?.[a.key] ?? a.defaults[evaluation.tier];
  return out;
}

/** Runs the cost model over every vendor: lines, totals, flags, ROI, rankings, rank flips and sensitivity. */
export function runModel(input: ModelInput): ModelResult {
  const assumptions = resolveAssumptions(input.set, input.evaluation);
  const ctx = context(input, assumptions);
  const vendors = scoreAll(ctx, input, assumptions, true);
  const entry = rank(vendors, (v) => v.entryPrice);
  const adjusted = rank(vendors, (v) => v.adjustedTotal);
  const rankFlips = flips(vendors, entry, adjusted);
  cheapByExclusion(vendors, entry, adjusted, assumptions[MODEL_ASSUMPTIONS.hiddenShareThreshold] ?? 1);
  return {
    currency: input.evaluation.currency,
    horizonYears: input.evaluation.horizonYears,
    tier: input.evaluation.tier,
    assumptions,
    vendors,
    ranking: { entry, adjusted },
    rankFlips,
    sensitivity: sensitivity(ctx, input, assumptions, adjusted[0] ?? null),
  };
}

/** The parts of a scoring context that do not depend on the assumptions: built once per run. */
function context(input: ModelInput, assumptions: Record<string, number>): ScoreContext {
  const roles = new Set(input.evaluation.roles);
  const questions = input.set.sections.flatMap((s) => s.questions.map((q) => ({ q, role: s.role, asked: roles.has(s.role) })));
  const peerMax: Record<string, number> = {};
  for (const { q, asked } of questions) {
    const priced = q.quote !== undefined || (q.type === "number" && q.estimate !== undefined);
    if (!priced || !asked) continue;
    for (const v of input.vendors) {
      const a = v.answers[q.key];
      if (typeof a === "number" && isShown(q, v.answers)) peerMax[q.key] = Math.max(peerMax[q.key] ?? 0, a);
    }
  }
  return { set: input.set, evaluation: input.evaluation, questions, peerMax, assumptions, dayRateMinor: input.evaluation.dayRateMinor, currency: input.evaluation.currency, detail: true };
}

function scoreAll(base: ScoreContext, input: ModelInput, assumptions: Record<string, number>, detail: boolean): VendorResult[] {
  const ctx = { ...base, assumptions, detail };
  return input.vendors.map((v) => scoreVendor(ctx, v));
}

/** Vendor ids from cheapest to dearest; ties keep the input order. */
function rank(vendors: VendorResult[], by: (v: VendorResult) => number): string[] {
  return vendors
    .map((v, i) => ({ v, i }))
    .sort((a, b) => by(a.v) - by(b.v) || a.i - b.i)
    .map((x) => x.v.vendorId);
}

const ORDINALS = ["cheapest", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];
/** "cheapest", "second", … "11th". */
export function ordinal(rankIndex: number): string {
  return ORDINALS[rankIndex] ?? `${rankIndex + 1}th`;
}

function flips(vendors: VendorResult[], entry: string[], adjusted: string[]): RankFlip[] {
  const out: RankFlip[] = [];
  for (const v of vendors) {
    const e = entry.indexOf(v.vendorId);
    const a = adjusted.indexOf(v.vendorId);
    if (e === a) continue;
    const statement =
      e === 0 ? `${v.name} is cheapest at entry but ${ordinal(a)} once hidden costs are priced.`
      : a === 0 ? `${v.name} is ${ordinal(e)} at entry but cheapest once hidden costs are priced.`
      : `${v.name} moves from ${ordinal(e)} at entry to ${ordinal(a)} on the adjusted total.`;
    out.push({ vendorId: v.vendorId, name: v.name, entryRank: e + 1, adjustedRank: a + 1, statement });
  }
  return out.sort((x, y) => x.entryRank - y.entryRank);
}

/** The cross-vendor red flag: cheapest at entry but not overall, or a hidden share above the alarm. */
function cheapByExclusion(vendors: VendorResult[], entry: string[], adjusted: string[], threshold: number): void {
  const cur = vendors[0]?.currency ?? "EUR";
  for (const v of vendors) {
    const flags = new Map<FlagId, Flag>(v.flags.map((f) => [f.id, f]));
    const a = adjusted.indexOf(v.vendorId);
    if (vendors.length > 1 && entry[0] === v.vendorId && a > 0)
      raise(flags, "cheap_by_exclusion", "high", null, `It is cheapest at entry (${money(v.entryPrice, cur)}) but ${ordinal(a)} on the adjusted total (${money(v.adjustedTotal, cur)}).`);
    if (v.hiddenShare > threshold)
      raise(flags, "cheap_by_exclusion", "medium", null, `Hidden costs are ${percent(v.hiddenShare, 0)} of the adjusted total, above the ${percent(threshold, 0)} alarm (hidden_share_threshold).`);
    v.flags = sortFlags([...flags.values()]);
  }
}

/** Each cost assumption moved down and up by the range: every vendor's total and whether the leader changes. */
function sensitivity(ctx: ScoreContext, input: ModelInput, assumptions: Record<string, number>, leader: string | null): ModelResult["sensitivity"] {
  const range = input.evaluation.sensitivityRange ?? 0.3;
  const rows: SensitivityRow[] = [];
  for (const a of input.set.assumptions) {
    if (a.kind !== "cost") continue;
    const base = assumptions[a.key]!;
    const clamp = (x: number) => Math.min(a.max ?? Infinity, Math.max(a.min ?? 0, x));
    const low = clamp(base * (1 - range));
    const high = clamp(base * (1 + range));
    const lowRun = scoreAll(ctx, input, { ...assumptions, [a.key]: low }, false);
    const highRun = scoreAll(ctx, input, { ...assumptions, [a.key]: high }, false);
    const totals: SensitivityRow["totals"] = {};
    lowRun.forEach((v, i) => (totals[v.vendorId] = { low: v.adjustedTotal, high: highRun[i]!.adjustedTotal }));
    const leaderLow = rank(lowRun, (v) => v.adjustedTotal)[0] ?? "";
    const leaderHigh = rank(highRun, (v) => v.adjustedTotal)[0] ?? "";
    rows.push({ assumption: a.key, label: a.label, base, low, high, totals, leaderLow, leaderHigh, leaderChanges: leaderLow !== leader || leaderHigh !== leader });
  }
  return { range, rows, leader };
}
