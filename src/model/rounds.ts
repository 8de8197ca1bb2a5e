import type { FlagId } from "../domain.js";
import type { AnswerValue } from "../questions/answers.js";
import type { ModelResult, ModelVendor } from "./types.js";

/**
 * What a revision round changed for one vendor: the difference of two runs of the model, one on
 * every vendor's input when the round was sent and one when the vendor resubmitted (the same
 * evaluation settings for both, so that only answers explain the change). Every figure is a
 * difference of the two outputs, line by line, so the lines' changes add up to the total's.
 */
export interface RoundDiff {
  vendorId: string;
  pricedBefore: number;
  pricedAfter: number;
  /** The adjusted total before and after (null where not comparable), and its change. */
  totalBefore: number | null;
  totalAfter: number | null;
  change: number | null;
  presentChange: number | null;
  rankBefore: number | null;
  rankAfter: number | null;
  /** The ranking (vendor ids, cheapest first) of both runs, and whether it differs. */
  rankingBefore: string[];
  rankingAfter: string[];
  rankingMoved: boolean;
  /** Cost by question, where it changed: after − before. */
  lines: { questionKey: string; before: number; after: number; change: number }[];
  /** Questions whose answer changed, with both answers (null: unanswered). */
  answers: { questionKey: string; before: AnswerValue | null; after: AnswerValue | null }[];
  flagsCleared: FlagId[];
  flagsRaised: FlagId[];
}

export function roundDiff(
  before: ModelResult,
  after: ModelResult,
  vendorId: string,
  input: { before: ModelVendor | undefined; after: ModelVendor | undefined },
): RoundDiff | null {
  const a = before.vendors.find((v) => v.vendorId === vendorId);
  const b = after.vendors.find((v) => v.vendorId === vendorId);
  if (!a || !b) return null;
  const byKey = (v: typeof a) => {
    const m = new Map<string, number>();
    for (const l of v.lines) m.set(l.questionKey, (m.get(l.questionKey) ?? 0) + l.total);
    return m;
  };
  const x = byKey(a),
    y = byKey(b);
  const keys = [...new Set([...x.keys(), ...y.keys()])];
  const lines = keys
    .map((questionKey) => {
      const was = x.get(questionKey) ?? 0,
        now = y.get(questionKey) ?? 0;
      return { questionKey, before: was, after: now, change: now - was };
    })
    .filter((l) => l.change !== 0)
    .sort((p, q) => p.change - q.change || p.questionKey.localeCompare(q.questionKey));
  const was = input.before?.answers ?? {},
    now = input.after?.answers ?? {};
  const answers = [...new Set([...Object.keys(was), ...Object.keys(now)])]
    .filter((k) => JSON.stringify(was[k] ?? null) !== JSON.stringify(now[k] ?? null))
    .sort()
    .map((questionKey) => ({ questionKey, before: was[questionKey] ?? null, after: now[questionKey] ?? null }));
  const flagsA = new Set(a.flags.map((f) => f.id)),
    flagsB = new Set(b.flags.map((f) => f.id));
  const both = a.adjustedTotal !== null && b.adjustedTotal !== null;
  return {
    vendorId,
    pricedBefore: a.pricedTotal,
    pricedAfter: b.pricedTotal,
    totalBefore: a.adjustedTotal,
    totalAfter: b.adjustedTotal,
    change: both ? b.adjustedTotal! - a.adjustedTotal! : null,
    presentChange: a.presentTotal !== null && b.presentTotal !== null ? b.presentTotal - a.presentTotal : null,
    rankBefore: a.adjustedRank,
    rankAfter: b.adjustedRank,
    rankingBefore: before.ranking.adjusted,
    rankingAfter: after.ranking.adjusted,
    rankingMoved: before.ranking.adjusted.join() !== after.ranking.adjusted.join(),
    lines,
    answers,
    flagsCleared: [...flagsA].filter((f) => !flagsB.has(f)),
    flagsRaised: [...flagsB].filter((f) => !flagsA.has(f)),
  };
}
