import { FLAG_LABELS, PHASES, PHASE_LABELS, type Layer, type Phase } from "../domain.js";
import { date, money, percent } from "../format.js";
import { ordinal, type Ask, type ModelResult, type VendorResult } from "../model/index.js";
import { shortText } from "../model/funding.js";
import { questionIndex } from "../questions/answers.js";
import { formatAnswer } from "../questions/format-answer.js";
import type { Question, QuestionSet } from "../questions/schema.js";
import { list, lower, optionLabel, rateText, sentence, signed } from "./words.js";

/**
 * The funding plan and the negotiation asks in words and cells, from the cost model's stages,
 * gates and asks: the comparison page, the funding request and negotiation brief PDFs and the
 * command line draw what this returns and compute no figure of their own.
 */

/** A tranche the committee released: every stage up to `throughPhase`, for one option. */
export interface Tranche {
  vendorId: number;
  throughPhase: Phase;
  note: string;
  userName: string;
  createdAt: string;
}

export interface FundingPlanView {
  vendorId: string;
  name: string;
  /** The option's name with what it is when the buyer's own team answered it: "Build in-house (in-house build)". */
  label: string;
  /** Why this option is shown: the committee's choice, the cheapest, or the one asked for. */
  why: string;
  summary: string;
  comparable: boolean;
  total: string;
  present: string;
  presentLabel: string;
  temporary: string;
  structural: string;
  years: string[];
  stages: StageView[];
  /** The committee's tranches for this option, in words, oldest first. */
  tranches: string[];
}

export interface StageView {
  phase: Phase;
  /** "Stage 2". */
  number: string;
  label: string;
  total: string;
  present: string;
  share: string;
  years: string[];
  presentYears: string[];
  temporary: string;
  structural: string;
  receives: { text: string; by: string }[];
  drivers: { label: string; amount: string }[];
  risks: string[];
  /** Whether the committee has funded this stage: "Funded 3 Dec 2026 (Ada)", or what releases it. */
  funding: string | null;
  funded: boolean;
  /** The gate after this stage (none after the last). */
  gate: { title: string; criteria: string[]; edited: boolean } | null;
}

export interface AsksView {
  vendorId: string;
  name: string;
  intro: string;
  rows: AskView[];
  /** Every ask granted at once, in one sentence; null when there is none. */
  all: string | null;
  /** Said when there is nothing to ask. */
  none: string | null;
}

export interface AskView {
  questionKey: string;
  /** The contract topic the ask belongs to. */
  topic: string;
  /** "Include runtime monitoring in the quoted price: −€108,000 over 3 years; today not included." */
  text: string;
  ask: string;
  saving: string;
  presentSaving: string;
  today: string;
  effect: string;
}

/** The contract topic an ask belongs to, by the layer of its line. */
const CONTRACT_TOPICS: Record<Layer, string> = {
  governance: "Controls and compliance",
  support: "Service levels and support",
  ownership: "Ownership, handoff and exit",
  rollout: "Implementation, acceptance and rollout",
  value: "Scope and integration",
};

const BY_WORDS = {
  vendor: "the vendor, in its price",
  shared: "shared: the vendor in part, the buyer the rest",
  buyer: "the buyer's own team or another supplier",
  unknown: "unanswered: who delivers it is not known",
  not_asked: "not asked: priced the same for every vendor",
} as const;

/** The index of the last stage the committee has funded for a vendor (-1: none), from its tranches. */
export function fundedThrough(tranches: readonly Tranche[], vendorId: string): number {
  return Math.max(
    -1,
    ...tranches.filter((t) => String(t.vendorId) === vendorId).map((t) => PHASES.indexOf(t.throughPhase)),
  );
}

/**
 * The option a funding plan is shown by default: the one the committee's newest decision approves,
 * else the cheapest ranked vendor, else the first with figures.
 */
export function planOption(
  r: ModelResult,
  decided: readonly { vendorId: number | null; status: string }[],
): { vendor: VendorResult; why: string } | null {
  const byId = new Map(r.vendors.map((v) => [v.vendorId, v]));
  const d = decided.find((x) => x.vendorId !== null && x.status !== "withdrawn");
  if (d && byId.has(String(d.vendorId)))
    return {
      vendor: byId.get(String(d.vendorId))!,
      why: d.status === "recorded" ? "the option the committee approved" : "the option the committee proposes",
    };
  const lead = r.ranking.adjusted[0];
  if (lead) return { vendor: byId.get(lead)!, why: "the cheapest ranked option" };
  const first = r.vendors.find((v) => v.adjustedTotal !== null) ?? r.vendors[0];
  return first ? { vendor: first, why: "no option is ranked yet" } : null;
}

/** One option's funding plan: its stages with their costs, what each delivers, drives and retires, and the gates between. */
export function presentFundingPlan(
  r: ModelResult,
  set: QuestionSet,
  v: VendorResult,
  why: string,
  tranches: readonly Tranche[] = [],
): FundingPlanView {
  const cur = r.currency;
  const index = questionIndex(set);
  const text = (key: string) => {
    const q = index.get(key)?.question;
    return q ? shortText(q) : key;
  };
  const own = tranches.filter((t) => String(t.vendorId) === v.vendorId);
  const through = fundedThrough(tranches, v.vendorId);
  // The model's own totals (the stages add up to them, tested); the present value of what can be
  // priced is the stages' when the total cannot be compared (the model gives none then).
  const total = v.pricedTotal;
  const present = v.presentTotal ?? v.stages.reduce((a, s) => a + s.presentTotal, 0);
  const temporary = v.byNature.one_off + v.byNature.temporary;
  const structural = v.byNature.recurring;
  const comparable = v.adjustedTotal !== null;
  const stages = v.stages.map((s, i): StageView => {
    const gate = r.gates.find((g) => g.after === s.phase);
    const tranche = own.find((t) => PHASES.indexOf(t.throughPhase) >= i);
    return {
      phase: s.phase,
      number: `Stage ${i + 1}`,
      label: s.label,
      total: money(s.total, cur),
      present: money(s.presentTotal, cur),
      share: total > 0 ? percent(s.total / total, 0) : "—",
      years: s.years.map((x) => money(x, cur)),
      presentYears: s.presentYears.map((x) => money(x, cur)),
      temporary: money(s.temporary, cur),
      structural: money(s.structural, cur),
      receives: s.receives.map((x) => ({ text: x.text, by: BY_WORDS[x.by] })),
      drivers: s.drivers.map((d) => ({ label: d.label, amount: money(d.amount, cur) })),
      risks: s.risks.map(
        (x) => `${FLAG_LABELS[x.flag]} (${x.severity}), from ${list(x.questionKeys.map((k) => lower(text(k))))}`,
      ),
      funded: i <= through,
      funding: tranche
        ? `Funded ${date(tranche.createdAt)} by ${tranche.userName}${tranche.note ? `: ${tranche.note}` : ""}`
        : i === through + 1 && i > 0
          ? `Released when gate ${i} is met`
          : null,
      gate: gate
        ? {
            title: `Gate ${i + 1}: before ${lower(PHASE_LABELS[gate.releases])} is funded`,
            criteria: gate.criteria.length
              ? gate.criteria.map((c) => c.text)
              : [
                  "No priced question of this stage names a criterion: write the gate's own in the evaluation's settings.",
                ],
            edited: gate.edited,
          }
        : null,
    };
  });
  const n = r.horizonYears;
  const summary = comparable
    ? `${v.name}'s ${money(total, cur)} over ${n} years (${money(present, cur)} at present value) falls into five stages, each funded once the gate before it is met. ${money(temporary, cur)} of it is transitional (one-off and temporary costs that end); ${money(structural, cur)} is structural (recurring costs that stay).`
    : `${v.name}'s total cannot be compared yet; the ${money(total, cur)} that can be priced is cut into stages below.`;
  const option = optionLabel(v.kind);
  return {
    vendorId: v.vendorId,
    name: v.name,
    label: option ? `${v.name} (${option})` : v.name,
    why,
    summary,
    comparable,
    total: money(total, cur),
    present: money(present, cur),
    presentLabel: `Present value at ${rateText(r.discountRate)}`,
    temporary: money(temporary, cur),
    structural: money(structural, cur),
    years: Array.from({ length: n }, (_, i) => `Year ${i + 1}`),
    stages,
    tranches: own.map(
      (t) =>
        `${date(t.createdAt)}: ${t.userName} funded ${PHASES.indexOf(t.throughPhase) === 0 ? "stage 1" : `stages 1 to ${PHASES.indexOf(t.throughPhase) + 1}`} (through ${lower(PHASE_LABELS[t.throughPhase])})${t.note ? `. ${sentence(t.note)}` : "."}`,
    ),
  };
}

/** A vendor's negotiation asks, dearest first, as sentences a procurement lead can send. */
export function presentAsks(r: ModelResult, set: QuestionSet, v: VendorResult): AsksView {
  const cur = r.currency;
  const index = questionIndex(set);
  const n = r.horizonYears;
  const rows = v.asks.flatMap((a): AskView[] => {
    const q = index.get(a.questionKey)?.question;
    if (!q) return [];
    const ask = askWords(q, a, cur);
    const today = a.today === null ? "unanswered" : lower(formatAnswer(q, a.today, cur));
    const saving = signed(-a.saving, cur);
    return [
      {
        questionKey: a.questionKey,
        topic: CONTRACT_TOPICS[a.layer],
        ask,
        text: `${ask}: ${saving} over ${n} years; today ${today}.`,
        saving,
        presentSaving: signed(-a.presentSaving, cur),
        today,
        effect: effectWords(a),
      },
    ];
  });
  const all = v.allAsks;
  return {
    vendorId: v.vendorId,
    name: v.name,
    intro: `What ${v.name}'s total would save if it included or committed to each item, priced by the same model as its own answers, one ask at a time. Granting several saves less than their sum when they share work. These are the buyer's figures: send the asks, not this page.`,
    rows,
    all:
      all && rows.length > 1
        ? sentence(
            `All ${rows.length} asks granted together save ${money(all.saving, cur)} over ${n} years${all.totalAfter !== null ? `, for a total of ${money(all.totalAfter, cur)}` : ""}${rankMove(v.adjustedRank, all.rankAfter)}`,
          )
        : null,
    none: rows.length
      ? null
      : `Nothing to ask ${v.name}: no line its answers leave to the buyer would be lower with another answer.`,
  };
}

/** The ask itself: "Include runtime monitoring in the quoted price". */
function askWords(q: Question, a: Ask, cur: string): string {
  const subject = lower(shortText(q));
  if (q.type === "coverage") {
    const included = a.today !== null && formatAnswer(q, a.today, cur) === formatAnswer(q, a.answer, cur);
    if (included) return `Give evidence that ${subject} is in the quoted price`;
    return `Include ${subject} in the quoted price${a.withEvidence ? ", with evidence" : ""}`;
  }
  return `Answer “${formatAnswer(q, a.answer, cur)}” in the contract to: ${q.text}`;
}

/** The ask's effect on rank and flags, in words. */
function effectWords(a: Ask): string {
  const parts: string[] = [];
  if (a.rankBefore !== null && a.rankAfter !== null)
    parts.push(
      a.rankAfter < a.rankBefore
        ? `moves from ${ordinal(a.rankBefore)} to ${ordinal(a.rankAfter)}`
        : `stays ${ordinal(a.rankBefore)}`,
    );
  else if (a.totalAfter === null) parts.push("still not comparable");
  if (a.flagsCleared.length) parts.push(`clears ${list(a.flagsCleared.map((f) => FLAG_LABELS[f]))}`);
  return parts.length ? sentence(parts.join("; ")).replace(/^./, (c) => c.toUpperCase()) : "—";
}

function rankMove(before: number | null, after: number | null): string {
  if (before === null || after === null) return "";
  return after < before
    ? `; it would move from ${ordinal(before)} to ${ordinal(after)}`
    : `; it would stay ${ordinal(before)}`;
}
