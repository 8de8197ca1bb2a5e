import { LAYERS, NATURES, PHASES, PHASE_LABELS, type Phase } from "../domain.js";
import { coverageStatus, type AnswerValue } from "../questions/answers.js";
import type { Question } from "../questions/schema.js";
import { stateOf, type Answers } from "./answers.js";
import type { StaticContext } from "./context.js";
import { discountFactors, lineMonths } from "./present.js";
import type { CostLine, FundingStage, Gate, GateCriterion, StagePart, StageReceipt, VendorResult } from "./types.js";

/**
 * The funding plan: a vendor's adjusted budget cut into the five maturity stages (the phases every
 * priced question names), so that a CFO funds them in sequence instead of as one blended total. A
 * stage's cost is the sum of its lines (nominal and present value, by year), so the stages add up
 * to the adjusted total and the net present cost to the minor unit. Between two stages sits a gate:
 * what must be accepted before the next tranche is released (docs/cost-model.md, Funding plan).
 */

/** A question's wording cut to its subject: "Output verification before go-live". */
export function shortText(q: Question): string {
  const cut = q.text.split(/ — | \(|: /)[0]!.trim();
  return cut.replace(/[?.]$/, "");
}

/**
 * The default gates: after each stage but the last, every priced coverage question of the stage
 * names what must be in place (a control) or delivered and accepted before the next stage is
 * funded. An evaluation may replace a gate's criteria with its own (`ModelEvaluation.gates`).
 */
export function gatesOf(ctx: StaticContext): Gate[] {
  const edited = ctx.evaluation.gates ?? {};
  const asked = ctx.items.filter((it) => it.asked).map((it) => it.q);
  return GATED.map((after, i) => {
    const own = edited[after];
    const criteria: GateCriterion[] = own
      ? own.map((text) => ({ text, questionKeys: [] }))
      : gateCriteria(asked, after);
    return { after, releases: PHASES[i + 1]!, criteria, edited: own !== undefined };
  });
}

/** The stages a gate follows: every one but the last. */
export const GATED = PHASES.slice(0, -1);

/** A gate's default criteria after `phase`: one per priced coverage question of the stage among `questions` (those sent). */
export function gateCriteria(questions: readonly Question[], phase: Phase): GateCriterion[] {
  return questions
    .filter((q) => q.phase === phase && q.type === "coverage" && q.estimate)
    .map((q) => ({
      text: `${shortText(q)}: ${q.control ? "in place and checked" : "delivered and accepted"}`,
      questionKeys: [q.key],
    }));
}

/** Who delivers an item the vendor answered. */
function byStatus(answer: AnswerValue | null | undefined): StageReceipt["by"] | null {
  if (answer === null || answer === undefined) return "unknown";
  const status = coverageStatus(answer);
  if (status === "not_applicable") return null;
  if (status === "included") return "vendor";
  if (status === "partial") return "shared";
  return "buyer";
}

/** Who delivers a stage's item: from its line when it gives one (an unevidenced "included" priced as partial is shared), else from the answer. */
function deliveredBy(l: CostLine | undefined, answer: AnswerValue | null | undefined): StageReceipt["by"] | null {
  if (l?.source === "not_asked") return "not_asked";
  if (l?.source === "silent") return "unknown";
  if (l && l.kind === "hidden" && l.answer !== null && coverageStatus(l.answer) === "included") return "shared";
  return byStatus(l ? l.answer : answer);
}

/**
 * The vendor's plan by stage. `flags` are the vendor's final flags; a flag is retired by the stage
 * whose questions raised it. `labels` names the assumptions.
 */
export function stagesOf(
  ctx: StaticContext,
  v: VendorResult,
  answers: Answers,
  discountRate: number,
  labels: ReadonlyMap<string, string>,
): FundingStage[] {
  const years = ctx.evaluation.horizonYears;
  const factors = discountFactors(discountRate, years * 12);
  const phaseOf = (key: string) => ctx.byKey.get(key)?.q.phase;
  return PHASES.map((phase) => {
    const lines = v.lines.filter((l) => l.phase === phase);
    const byKey = new Map<string, CostLine>();
    for (const l of lines) if (!byKey.has(l.questionKey)) byKey.set(l.questionKey, l);
    const nominal = new Array<number>(years).fill(0);
    const present = new Array<number>(years).fill(0);
    let total = 0,
      presentTotal = 0,
      temporary = 0,
      structural = 0;
    const drivers = new Map<string, number>();
    const receives: StageReceipt[] = [];
    const parts = new Map<string, StagePart>();
    for (const l of lines) {
      total += l.total;
      presentTotal += l.presentValue;
      if (l.nature === "recurring") structural += l.total;
      else temporary += l.total;
      const pv = presentYears(l, years, factors);
      l.years.forEach((x, y) => (nominal[y]! += x));
      pv.forEach((x, y) => (present[y]! += x));
      const costType = l.unknown ? "unknown" : l.kind;
      const id = `${l.layer}|${l.nature}|${costType}`;
      let part = parts.get(id);
      if (!part) {
        part = { layer: l.layer, nature: l.nature, costType, total: 0, presentTotal: 0, years: [], presentYears: [] };
        part.years = new Array<number>(years).fill(0);
        part.presentYears = new Array<number>(years).fill(0);
        parts.set(id, part);
      }
      part.total += l.total;
      part.presentTotal += l.presentValue;
      l.years.forEach((x, y) => (part.years[y]! += x));
      pv.forEach((x, y) => (part.presentYears[y]! += x));
      for (const key of Object.keys(l.assumptions)) drivers.set(key, (drivers.get(key) ?? 0) + l.total);
    }
    for (const it of ctx.items) {
      if (it.q.phase !== phase || it.q.type !== "coverage") continue;
      const line = byKey.get(it.q.key);
      const source = line ? null : stateOf(ctx, it, answers).source;
      if (source === "hidden" || source === "not_asked") continue;
      const by = deliveredBy(line, answers[it.q.key]);
      if (by) receives.push({ questionKey: it.q.key, text: shortText(it.q), by });
    }
    const risks = v.flags.flatMap((f) => {
      const keys = f.questionKeys.filter((k) => phaseOf(k) === phase);
      return keys.length ? [{ flag: f.id, severity: f.severity, questionKeys: keys }] : [];
    });
    return {
      phase,
      label: PHASE_LABELS[phase],
      total,
      presentTotal,
      years: nominal,
      presentYears: present,
      temporary,
      structural,
      lineCount: lines.length,
      parts: [...parts.values()].sort(
        (a, b) =>
          LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer) ||
          NATURES.indexOf(a.nature) - NATURES.indexOf(b.nature) ||
          a.costType.localeCompare(b.costType),
      ),
      receives,
      drivers: [...drivers]
        .filter(([, amount]) => amount > 0)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 6)
        .map(([key, amount]) => ({ key, label: labels.get(key) ?? key, amount })),
      risks,
    };
  });
}

/**
 * A line's present value by year, adding up to its present value exactly: each year's amount
 * discounted by the months it falls in (as `linePresentValue` weighs them), scaled to the line's
 * rounded present value and rounded cumulatively so that no minor unit is lost or made.
 */
function presentYears(l: CostLine, years: number, factors: Float64Array): number[] {
  const out = new Array<number>(years).fill(0);
  if (l.presentValue <= 0) return out;
  const flow = lineMonths(l, years);
  const raw = l.years.map((amount, y) => {
    if (amount === 0) return 0;
    let weight = 0,
      weighted = 0;
    for (let m = y * 12; m < y * 12 + 12; m++) ((weight += flow[m]!), (weighted += flow[m]! * factors[m]!));
    return amount * (weight > 0 ? weighted / weight : factors[y * 12 + 6]!);
  });
  const sum = raw.reduce((a, b) => a + b, 0);
  if (sum <= 0) return out;
  let cum = 0,
    given = 0;
  raw.forEach((x, y) => {
    cum += x;
    const upTo = y === years - 1 ? l.presentValue : Math.round((cum / sum) * l.presentValue);
    out[y] = upTo - given;
    given = upTo;
  });
  return out;
}
