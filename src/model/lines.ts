import type { Layer, LineKind, Nature, Phase } from "../domain.js";
import type { Question } from "../questions/schema.js";
import { stateOf, type Answers } from "./answers.js";
import type { Item, ScoreContext } from "./context.js";
import { allocate, roundMinor } from "./schedule.js";
import type { Escalation } from "./terms.js";
import type { CostLine, LineSource, LineTiming, Missing, ModelVendor } from "./types.js";

/**
 * The largest amount one line may hold in one year, in minor units: with at most 1,000 questions
 * over at most 10 years, every sum the model forms stays below 2^53, so every figure is exact.
 */
export const MAX_LINE_YEAR = 500_000_000_000;

/** What one vendor's lines are built with. */
export interface VendorScope {
  ctx: ScoreContext;
  vendor: ModelVendor;
  answers: Answers;
  escalation: Escalation;
  missing: Missing[];
}

/** What a line is made of before its years are allocated. */
export interface LineSpec {
  item: Item;
  kind: LineKind;
  amount: number;
  timing: LineTiming;
  source: LineSource;
  answer: CostLine["answer"];
  used: Record<string, number>;
  reason: string;
  unknown?: boolean;
  unpriced?: boolean;
  asserted?: boolean;
  headline?: boolean;
  /** Overrides of the question's own layer, phase, nature and work (for lines a term makes). */
  layer?: Layer;
  phase?: Phase;
  nature?: Nature;
  work?: string;
}

export function makeLine(ctx: ScoreContext, s: LineSpec): CostLine {
  const q = s.item.q;
  const amount = roundMinor(s.amount);
  const years = allocate(s.timing, amount, ctx.evaluation.horizonYears);
  let total = 0;
  for (const y of years) total += y;
  return {
    kind: s.kind, headline: s.headline === true, layer: s.layer ?? q.layer!, phase: s.phase ?? q.phase!, nature: s.nature ?? q.nature!, work: s.work ?? s.item.work,
    amount, total, years, timing: s.timing, questionKey: q.key, role: s.item.role, answer: s.answer, source: s.source, assumptions: s.used,
    unknown: s.unknown === true, unpriced: s.unpriced === true, asserted: s.asserted === true, reason: s.reason,
  };
}

/** When a question's cost falls, from its nature, phase and timing, and the vendor's go-live. */
export function timingOf(scope: VendorScope, q: Question, opts: { quoted?: boolean } = {}): LineTiming {
  const ctx = scope.ctx;
  const end = ctx.horizonMonths;
  const g = ctx.goLive;
  switch (q.nature) {
    case "recurring": {
      if (q.phase === "transition") return { kind: "rate", from: end - 12, to: end, escalation: 0 };
      const start = q.starts ?? (q.phase === "operate" ? "go_live" : "signature");
      return { kind: "rate", from: start === "go_live" ? g : 0, to: end, escalation: opts.quoted ? scope.escalation.rate : 0 };
    }
    case "temporary": {
      const months = q.months ? (ctx.assumptions[q.months] ?? 0) : ctx.stabilisation;
      return { kind: "rate", from: g, to: Math.min(end, g + months), escalation: 0 };
    }
    default: {
      const timing = q.timing ?? (q.phase === "discovery" ? "signature" : q.phase === "implementation" ? "build" : q.phase === "transition" ? "end" : "go_live");
      switch (timing) {
        case "signature": return { kind: "point", month: 0 };
        case "build": return g > 0 ? { kind: "spread", from: 0, to: g } : { kind: "point", month: 0 };
        case "go_live": return { kind: "point", month: g };
        case "stabilised": return { kind: "point", month: g + ctx.stabilisation };
        case "scale_out": return scaleOutTiming(scope);
        case "end": return { kind: "point", month: end - 1 };
      }
    }
  }
}

/** The scale-out's timing from the rollout plan: at go-live for everyone at once; after stabilisation for one pilot group first; in yearly waves for a staged plan. Silence takes the earliest. */
export function scaleOutTiming(scope: VendorScope): LineTiming {
  const { ctx } = scope;
  const item = ctx.terms.rollout_plan;
  const state = item ? stateOf(ctx, item, scope.answers) : undefined;
  const plan = state?.source === "answered" ? String(state.value) : "big_bang";
  const stable = ctx.goLive + ctx.stabilisation;
  if (plan === "pilot_then_all") return { kind: "point", month: stable };
  if (plan !== "staged") return { kind: "point", month: ctx.goLive };
  // Waves from the year after stabilisation to the horizon's end, in equal parts; a plan with no year left puts it at the end.
  const firstWave = (Math.floor(stable / 12) + 1) * 12;
  return firstWave >= ctx.horizonMonths ? { kind: "point", month: ctx.horizonMonths - 1 } : { kind: "spread", from: firstWave, to: ctx.horizonMonths };
}


/** Clamps any amount beyond the model's exact range; returns whether any was. */
export function guardRange(lines: CostLine[]): boolean {
  let out = false;
  for (const l of lines) {
    let clamped = l.amount > MAX_LINE_YEAR;
    if (clamped) l.amount = MAX_LINE_YEAR;
    for (let i = 0; i < l.years.length; i++) if (l.years[i]! > MAX_LINE_YEAR) (l.years[i] = MAX_LINE_YEAR), (clamped = true);
    if (clamped) (l.total = l.years.reduce((a, b) => a + b, 0)), (out = true);
  }
  return out;
}

