import { FEATURE_ASSUMPTIONS, MODEL_ASSUMPTIONS, type Role, type Term } from "../domain.js";
import type { Question, QuestionSet } from "../questions/schema.js";
import { referenceBases, type Bases } from "./estimate.js";
import type { ModelEvaluation } from "./types.js";

export interface Item {
  q: Question;
  role: Role;
  /** Its role section was sent. */
  asked: boolean;
  /** The work its line pays for. */
  work: string;
}

/** What scoring needs that does not depend on the assumptions: built once per model run. */
export interface StaticContext {
  set: QuestionSet;
  evaluation: ModelEvaluation;
  items: Item[];
  byKey: ReadonlyMap<string, Item>;
  terms: Partial<Record<Term, Item>>;
  /** Whether any quoted-price question was sent: if not, totals are what the buyer funds beyond the quote. */
  quotesAsked: boolean;
  /** Works that more than one question prices: their lines are counted once (the largest). */
  sharedWorks: ReadonlySet<string>;
  /** The latest go-live any vendor states (set once the vendors are planned): a vendor silent on it is taken at this one. */
  latestGoLive: number | null;
}

/** A scoring context: the static part with one set of assumptions (sensitivity builds several). */
export interface ScoreContext extends StaticContext {
  assumptions: Readonly<Record<string, number>>;
  bases: Bases;
  dayRateMinor: number;
  currency: string;
  horizonMonths: number;
  /** Go-live, as the month index from signature (0) at which live operation starts. */
  goLive: number;
  /** Months of stabilisation after go-live. */
  stabilisation: number;
  partialShare: number;
  /** Yearly rise of the buyer's day rate, applied to every line it prices. */
  dayRateEscalation: number;
  /** Yearly discount rate of present values. */
  discountRate: number;
  /** Months from go-live to full value on a staged or unstated rollout (0: full value from go-live). */
  adoptionMonths: number;
  detail: boolean;
}

export function staticContext(set: QuestionSet, evaluation: ModelEvaluation): StaticContext {
  const roles = new Set(evaluation.roles);
  const items: Item[] = set.sections.flatMap((s) =>
    s.questions.map((q) => ({ q, role: s.role, asked: roles.has(s.role), work: q.work ?? q.key })),
  );
  const terms: Partial<Record<Term, Item>> = {};
  for (const item of items) if (item.q.term) terms[item.q.term] = item;
  const works = new Map<string, number>();
  for (const i of items)
    if (i.q.quote !== undefined || i.q.estimate !== undefined) works.set(i.work, (works.get(i.work) ?? 0) + 1);
  return {
    set,
    evaluation,
    items,
    terms,
    byKey: new Map(items.map((i) => [i.q.key, i])),
    quotesAsked: items.some((i) => i.q.quote !== undefined && i.asked),
    sharedWorks: new Set([...works].filter(([, n]) => n > 1).map(([w]) => w)),
    latestGoLive: null,
  };
}

/** The discount rate of a set that has none (a set given to the model directly, not read from storage). */
const DEFAULT_DISCOUNT_RATE = 0.08;

export function scoreContext(
  base: StaticContext,
  assumptions: Readonly<Record<string, number>>,
  detail: boolean,
): ScoreContext {
  const e = base.evaluation;
  const horizonMonths = e.horizonYears * 12;
  return {
    ...base,
    assumptions,
    detail,
    bases: referenceBases(assumptions, e.dayRateMinor),
    dayRateMinor: e.dayRateMinor,
    currency: e.currency,
    horizonMonths,
    goLive: Math.min(horizonMonths, Math.max(0, Math.round(assumptions[MODEL_ASSUMPTIONS.goLiveMonth] ?? 0))),
    stabilisation: Math.max(0, assumptions[MODEL_ASSUMPTIONS.rolloutMonths] ?? 0),
    partialShare: Math.min(1, Math.max(0, assumptions[MODEL_ASSUMPTIONS.partialShare] ?? 0.5)),
    dayRateEscalation: Math.max(0, assumptions[FEATURE_ASSUMPTIONS.dayRateEscalation] ?? 0),
    discountRate: Math.max(0, assumptions[FEATURE_ASSUMPTIONS.discountRate] ?? DEFAULT_DISCOUNT_RATE),
    adoptionMonths: Math.max(0, assumptions[FEATURE_ASSUMPTIONS.adoptionMonths] ?? 0),
  };
}
