import type { Layer, LineKind, Nature, Phase } from "../domain.js";
import { coverageStatus, type AnswerValue } from "../questions/answers.js";
import type { Question } from "../questions/schema.js";
import { matches, stateOf, type Answers } from "./answers.js";
import type { Item, StaticContext } from "./context.js";
import type { ValueRamp } from "./present.js";
import { planUsage, type UsageAmount } from "./usage.js";
import type { LineSource, Missing, ModelVendor } from "./types.js";

/**
 * What a vendor's answers make of each priced question before any assumption is applied: which
 * line it gives, of what kind, from what answer, and the rule its amount and timing follow. The
 * plan is made once per vendor; the model evaluates it with the assumptions in force, and
 * sensitivity (and ranges) evaluate the same plan under others, so every figure has one source.
 */
export interface VendorPlan {
  vendor: ModelVendor;
  answers: Answers;
  lines: Planned[];
  /** Figures only the vendor can give that are missing: its total cannot be compared. */
  missing: Missing[];
  /** How its recurring prices rise: a stated cap, the buyer's assumption (cap not asked), or not at all. */
  escalation: { kind: "none" } | { kind: "cap"; rate: number } | { kind: "assumption"; key: string };
  /** The vendor's own go-live estimate in months from signature, or null when not stated or not asked. */
  goLive: number | null;
  /** Its rollout plan, for the value's ramp (model/present.ts). */
  ramp: ValueRamp;
}

/** How a line's amount follows from the assumptions. */
export type Amount =
  /** The vendor's figure (or 0 for a missing one). */
  | { kind: "fixed"; value: number }
  /** An estimate: partial_share of it when `partial`, the lower of it and the vendor's separate `price` when given. */
  | {
      kind: "estimate";
      rule: NonNullable<Question["estimate"]>;
      factor: { key: string; why: string } | null;
      partial: boolean;
      price: number | null;
      status: string | null;
    }
  /** Buyer effort the vendor states, against the tier's floor (the estimate); `days` null when not asked. */
  | { kind: "effort"; days: number | null; rule: NonNullable<Question["estimate"]>; backed: boolean }
  /** Changes outside support: the vendor's share (a number, the assumption, or the dearer end) at its rate (a number, or the assumption). */
  | { kind: "changes"; share: number | "assumption" | "worst"; rate: number | "assumption" }
  /** Usage and inference from the buyer's forecast, month by month (model/usage.ts). */
  | UsageAmount;

/** When a line's money falls, resolved against go-live and stabilisation when evaluated. */
export type When =
  | { kind: "signature" | "build" | "go_live" | "stabilised" | "end" }
  | { kind: "scale_out"; plan: "staged" | "pilot_then_all" | "big_bang" }
  | { kind: "temporary"; months: string | null }
  | { kind: "recurring"; start: "signature" | "go_live" | "final_year"; escalates: boolean }
  /** Month by month from go-live, as the usage forecast gives it. */
  | { kind: "usage" };

export interface Planned {
  item: Item;
  kind: LineKind;
  source: LineSource;
  answer: AnswerValue | null;
  headline: boolean;
  unknown: boolean;
  unpriced: boolean;
  /** An "included" claim priced as partial for lack of evidence. */
  asserted: boolean;
  layer: Layer;
  phase: Phase;
  nature: Nature;
  work: string;
  amount: Amount;
  when: When;
  /** Which of the model's sentences explains the line. */
  note:
    | "quoted"
    | "unquoted"
    | "silent"
    | "not_asked"
    | "coverage"
    | "asserted"
    | "effort"
    | "unstated"
    | "choice"
    | "uplift"
    | "uplift_missing"
    | "changes"
    | "changes_missing"
    | "usage"
    | "usage_missing"
    | "usage_unstated"
    | "inference"
    | "inference_unstated";
  /** For the pilot uplift: what the vendor quoted a year against its post-pilot price. */
  quotedRecurring?: number;
}

const NONE: VendorPlan["escalation"] = { kind: "none" };

/** Plans one vendor: every priced question's line, the missing figures, and how its prices rise. */
export function planVendor(ctx: StaticContext, vendor: ModelVendor): VendorPlan {
  const plan: VendorPlan = {
    vendor,
    answers: vendor.answers,
    lines: [],
    missing: [],
    escalation: NONE,
    ...valueTiming(ctx, vendor.answers),
  };
  const silentCap = escalationOf(ctx, plan);
  for (const item of ctx.items) {
    const q = item.q;
    if (q.quote !== undefined) quote(ctx, plan, item);
    else if (q.estimate !== undefined) {
      if (q.type === "coverage") coverage(ctx, plan, item);
      else if (q.type === "number") effort(ctx, plan, item);
      else choice(ctx, plan, item);
    }
  }
  pilotUplift(ctx, plan);
  changes(ctx, plan);
  planUsage(ctx, plan);
  // A cap left blank bounds nothing, but only matters when a price rises over more than one year.
  if (
    silentCap &&
    ctx.evaluation.horizonYears > 1 &&
    plan.lines.some(
      (l) => l.when.kind === "recurring" && l.when.escalates && l.amount.kind === "fixed" && l.amount.value > 0,
    )
  )
    plan.missing.push({ questionKey: silentCap.q.key, what: silentCap.q.text });
  return plan;
}

/**
 * The plan with one coverage answer replaced (in `vendor`), re-planning that question alone when no
 * other line reads its answer: not a commercial term, no condition's or scale factor's source.
 * Otherwise, and for other question types, the whole vendor is planned again. Asks try every
 * alternative answer this way (model/asks.ts); the result prices exactly as planVendor's.
 */
export function replan(ctx: StaticContext, plan: VendorPlan, vendor: ModelVendor, key: string): VendorPlan {
  const item = ctx.byKey.get(key);
  if (!item || item.q.type !== "coverage" || item.q.estimate === undefined || readByOthers(ctx).has(key))
    return planVendor(ctx, vendor);
  const next: VendorPlan = { ...plan, vendor, answers: vendor.answers, lines: [] };
  coverage(ctx, next, item);
  const fresh = next.lines;
  next.lines = plan.lines.filter((l) => l.item !== item).concat(fresh);
  return next;
}

const readCache = new WeakMap<StaticContext, Set<string>>();
/** Questions whose answer another line reads: terms, conditions' and scale factors' sources. */
function readByOthers(ctx: StaticContext): Set<string> {
  let out = readCache.get(ctx);
  if (!out) {
    out = new Set<string>();
    for (const i of ctx.items) {
      if (i.q.term) out.add(i.q.key);
      if (i.q.shows_if) out.add(i.q.shows_if.question);
      if (i.q.estimate?.scale_by) out.add(i.q.estimate.scale_by.question);
    }
    readCache.set(ctx, out);
  }
  return out;
}

function base(
  item: Item,
  when: When,
): Pick<
  Planned,
  "item" | "layer" | "phase" | "nature" | "work" | "when" | "headline" | "unknown" | "unpriced" | "asserted"
> {
  return {
    item,
    layer: item.q.layer!,
    phase: item.q.phase!,
    nature: item.q.nature!,
    work: item.work,
    when,
    headline: false,
    unknown: false,
    unpriced: false,
    asserted: false,
  };
}

/** When a question's cost falls, from its nature, phase and timing. */
function whenOf(ctx: StaticContext, plan: VendorPlan, q: Question, quoted = false): When {
  switch (q.nature) {
    case "recurring":
      return {
        kind: "recurring",
        start:
          q.phase === "transition" ? "final_year" : (q.starts ?? (q.phase === "operate" ? "go_live" : "signature")),
        escalates: quoted,
      };
    case "temporary":
      return { kind: "temporary", months: q.months ?? null };
    default: {
      const timing =
        q.timing ??
        (q.phase === "discovery"
          ? "signature"
          : q.phase === "implementation"
            ? "build"
            : q.phase === "transition"
              ? "end"
              : "go_live");
      return timing === "scale_out" ? { kind: "scale_out", plan: rolloutPlan(ctx, plan) } : { kind: timing };
    }
  }
}

/** The vendor's stated go-live and rollout plan, for when its value starts and how fast it grows. */
function valueTiming(ctx: StaticContext, answers: Answers): Pick<VendorPlan, "goLive" | "ramp"> {
  const g = ctx.terms.go_live_estimate;
  const gs = g ? stateOf(ctx, g, answers) : undefined;
  const r = ctx.terms.rollout_plan;
  const rs = r ? stateOf(ctx, r, answers) : undefined;
  const plan = rs?.source === "answered" ? String(rs.value) : "";
  return {
    goLive: gs?.source === "answered" && typeof gs.value === "number" ? Math.max(0, Math.round(gs.value)) : null,
    ramp: plan === "big_bang" || plan === "pilot_then_all" || plan === "staged" ? plan : "unstated",
  };
}

/** The rollout plan's effect on scale-out: silence (or no plan asked) takes the earliest, everyone at once. */
function rolloutPlan(ctx: StaticContext, plan: VendorPlan): "staged" | "pilot_then_all" | "big_bang" {
  const item = ctx.terms.rollout_plan;
  const state = item ? stateOf(ctx, item, plan.answers) : undefined;
  const value = state?.source === "answered" ? String(state.value) : "big_bang";
  return value === "staged" || value === "pilot_then_all" ? value : "big_bang";
}

/**
 * Sets the yearly rise of the vendor's recurring prices: the stated cap, assumed used in full; the
 * buyer's assumption where the cap was not asked. Returns the cap's question when it was asked and
 * left blank: a contract without a stated cap bounds nothing (a missing figure, once the lines show
 * that a price rises).
 */
function escalationOf(ctx: StaticContext, plan: VendorPlan): Item | null {
  const item = ctx.terms.price_cap;
  if (!item) return null;
  const state = stateOf(ctx, item, plan.answers);
  if (state.source === "answered") plan.escalation = { kind: "cap", rate: Math.max(0, state.value as number) / 100 };
  else if (state.source === "silent") return item;
  else plan.escalation = { kind: "assumption", key: "uncapped_escalation" };
  return null;
}

/** A quoted price: the vendor's figure, or — left blank — a missing figure that leaves the total unbounded. */
function quote(ctx: StaticContext, plan: VendorPlan, item: Item): void {
  const state = stateOf(ctx, item, plan.answers);
  if (state.source === "not_asked" || state.source === "hidden") return;
  const q = item.q;
  const line = { ...base(item, whenOf(ctx, plan, q, true)), kind: "quoted" as const, headline: q.headline };
  if (state.source === "silent") {
    plan.missing.push({ questionKey: q.key, what: q.text });
    plan.lines.push({
      ...line,
      source: "silent",
      answer: null,
      unpriced: true,
      amount: { kind: "fixed", value: 0 },
      note: "unquoted",
    });
  } else
    plan.lines.push({
      ...line,
      source: "answered",
      answer: state.value,
      amount: { kind: "fixed", value: state.value as number },
      note: "quoted",
    });
}

/** The factor another answer sets on an estimate (scale_by): the answer's, or the largest when it is silent or not asked. */
function factorOf(ctx: StaticContext, plan: VendorPlan, q: Question): { key: string; why: string } | null {
  const scale = q.estimate!.scale_by;
  if (!scale) return null;
  const state = stateOf(ctx, ctx.byKey.get(scale.question)!, plan.answers);
  if (state.source === "answered") {
    const key = scale.factors[String(state.value)];
    return key ? { key, why: `${scale.question} is ${String(state.value)}` } : null;
  }
  // The largest factor is chosen when evaluated (it depends on the assumptions): marked by an empty key list.
  return {
    key: "",
    why: `${scale.question} ${state.source === "not_asked" ? "not asked" : "not answered"}, so the largest factor`,
  };
}

/** Whether an "included" claim needs evidence to count: the question expects it, or the tier expects it of every control. */
function evidenceExpected(ctx: StaticContext, q: Question): boolean {
  return q.evidence || (ctx.evaluation.tier === "system_of_record" && q.control);
}

export function backed(vendor: ModelVendor, key: string): boolean {
  return (vendor.evidence?.[key] ?? 0) > 0 || vendor.explained?.[key] === true;
}

/** Asserted claims are priced as partial in the system-of-record tier always, elsewhere when the evaluation asks for it. */
export function assertionsPriced(ctx: StaticContext): boolean {
  return ctx.evaluation.tier === "system_of_record" || ctx.evaluation.unevidencedIncludedAsPartial === true;
}

/** A coverage item: what the quote leaves to the buyer. */
function coverage(ctx: StaticContext, plan: VendorPlan, item: Item): void {
  const q = item.q;
  const state = stateOf(ctx, item, plan.answers);
  if (state.source === "hidden") return;
  const line = { ...base(item, whenOf(ctx, plan, q)), kind: "hidden" as const };
  const estimate = (partial: boolean, price: number | null, status: string | null): Amount => ({
    kind: "estimate",
    rule: q.estimate!,
    factor: factorOf(ctx, plan, q),
    partial,
    price,
    status,
  });
  if (state.source !== "answered") {
    plan.lines.push({
      ...line,
      source: state.source,
      answer: null,
      unknown: true,
      amount: estimate(false, null, null),
      note: state.source === "not_asked" ? "not_asked" : "silent",
    });
    return;
  }
  const value = state.value;
  const status = coverageStatus(value)!;
  if (status === "not_applicable") return;
  if (status === "included") {
    if (evidenceExpected(ctx, q) && assertionsPriced(ctx) && !backed(plan.vendor, q.key))
      plan.lines.push({
        ...line,
        source: "answered",
        answer: value,
        asserted: true,
        amount: estimate(true, null, status),
        note: "asserted",
      });
    return;
  }
  const price = typeof value === "object" && !Array.isArray(value) && value.price !== undefined ? value.price : null;
  plan.lines.push({
    ...line,
    source: "answered",
    answer: value,
    amount: estimate(status === "partial", price, status),
    note: "coverage",
  });
}

/** Buyer effort the vendor discloses in days: its figure against the tier's floor; silence is a missing figure. */
function effort(ctx: StaticContext, plan: VendorPlan, item: Item): void {
  const q = item.q;
  const state = stateOf(ctx, item, plan.answers);
  if (state.source === "hidden") return;
  const line = { ...base(item, whenOf(ctx, plan, q)), kind: "disclosed" as const };
  if (state.source === "not_asked") {
    plan.lines.push({
      ...line,
      kind: "hidden",
      source: "not_asked",
      answer: null,
      unknown: true,
      amount: { kind: "effort", days: null, rule: q.estimate!, backed: false },
      note: "not_asked",
    });
  } else if (state.source === "silent") {
    plan.missing.push({ questionKey: q.key, what: q.text });
    plan.lines.push({
      ...line,
      source: "silent",
      answer: null,
      unpriced: true,
      amount: { kind: "fixed", value: 0 },
      note: "unstated",
    });
  } else {
    const days = Math.max(0, state.value as number);
    plan.lines.push({
      ...line,
      source: "answered",
      answer: days,
      amount: { kind: "effort", days, rule: q.estimate!, backed: backed(plan.vendor, q.key) },
      note: "effort",
    });
  }
}

/** A yes/no or choice answer that causes a cost (e.g. paying again on exit); silence counts as causing it. */
function choice(ctx: StaticContext, plan: VendorPlan, item: Item): void {
  const q = item.q;
  const state = stateOf(ctx, item, plan.answers);
  if (state.source === "hidden" || (state.source === "answered" && !matches(q.estimate!.applies_when!, state.value)))
    return;
  plan.lines.push({
    ...base(item, whenOf(ctx, plan, q)),
    kind: "hidden",
    source: state.source,
    answer: state.source === "answered" ? state.value : null,
    unknown: state.source !== "answered",
    amount: {
      kind: "estimate",
      rule: q.estimate!,
      factor: factorOf(ctx, plan, q),
      partial: false,
      price: null,
      status: null,
    },
    note: "choice",
  });
}

/**
 * Pilot prices that end: from go-live the recurring headline prices are repriced at the post-pilot
 * price the vendor states (never below what it quoted). Silence on either question is a missing figure.
 */
function pilotUplift(ctx: StaticContext, plan: VendorPlan): void {
  const pilot = ctx.terms.pilot_pricing;
  const post = ctx.terms.post_pilot_price;
  if (!pilot || !post) return;
  const p = stateOf(ctx, pilot, plan.answers);
  if (p.source === "not_asked" || (p.source === "answered" && p.value !== true)) return;
  const s = stateOf(ctx, post, plan.answers);
  if (s.source === "not_asked" || s.source === "hidden") return;
  const line = {
    ...base(post, { kind: "recurring", start: "go_live", escalates: true }),
    kind: "quoted" as const,
    layer: "value" as const,
    phase: "operate" as const,
    nature: "recurring" as const,
    work: post.q.key,
  };
  if (s.source === "silent") {
    plan.missing.push({ questionKey: post.q.key, what: post.q.text });
    plan.lines.push({
      ...line,
      source: "silent",
      answer: null,
      unpriced: true,
      amount: { kind: "fixed", value: 0 },
      note: "uplift_missing",
    });
    return;
  }
  let quoted = 0;
  for (const l of plan.lines)
    if (l.kind === "quoted" && l.headline && l.nature === "recurring" && !l.unpriced && l.amount.kind === "fixed")
      quoted += l.amount.value;
  const postPrice = s.value as number;
  plan.lines.push({
    ...line,
    source: "answered",
    answer: postPrice,
    amount: { kind: "fixed", value: Math.max(0, postPrice - quoted) },
    note: "uplift",
    quotedRecurring: quoted,
  });
}

/**
 * Changes outside the support scope: the buyer's expected change volume, the vendor's share at its
 * day rate and the rest at the buyer's. Silence on the share takes whichever end costs more;
 * silence on the rate, when the vendor could do any of the work, is a missing figure.
 */
function changes(ctx: StaticContext, plan: VendorPlan): void {
  const rateItem = ctx.terms.change_rate;
  if (!rateItem) return;
  const r = stateOf(ctx, rateItem, plan.answers);
  const shareItem = ctx.terms.vendor_change_share;
  const s = shareItem ? stateOf(ctx, shareItem, plan.answers) : ({ source: "not_asked" } as const);
  const share: number | "assumption" | "worst" =
    s.source === "answered"
      ? Math.min(1, Math.max(0, (s.value as number) / 100))
      : s.source === "silent"
        ? "worst"
        : "assumption";
  const line = {
    ...base(rateItem, { kind: "recurring", start: "go_live", escalates: false }),
    kind: "hidden" as const,
    layer: "ownership" as const,
    phase: "operate" as const,
    nature: "recurring" as const,
    work: "changes",
  };
  if (r.source === "silent" && share !== 0) {
    plan.missing.push({ questionKey: rateItem.q.key, what: rateItem.q.text });
    plan.lines.push({
      ...line,
      source: "silent",
      answer: null,
      unpriced: true,
      amount: { kind: "fixed", value: 0 },
      note: "changes_missing",
    });
    return;
  }
  const rate = r.source === "answered" ? (r.value as number) : r.source === "silent" ? 0 : "assumption";
  plan.lines.push({
    ...line,
    source: r.source === "answered" ? "answered" : r.source === "silent" ? "silent" : "not_asked",
    answer: r.source === "answered" ? r.value : null,
    unknown: r.source === "not_asked" || s.source !== "answered",
    amount: { kind: "changes", share, rate },
    note: "changes",
  });
}
