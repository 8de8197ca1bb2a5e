import { z } from "zod";
import {
  COVERAGE,
  ESTIMATE_BASES,
  FEATURE_ASSUMPTIONS,
  FLAGS,
  LAYERS,
  MODEL_ASSUMPTIONS,
  NATURES,
  PHASES,
  QUESTION_TYPES,
  QUOTE_ITEMS,
  ROLES,
  SEVERITIES,
  STARTS,
  TERMS,
  TIERS,
  TIMINGS,
  type Term,
} from "../domain.js";
import { frameworksOf } from "../library/frameworks.js";

const slug = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be lower_snake_case (a-z, 0-9, _), starting with a letter");
const text = (min: number) => z.string().trim().min(min, `must be at least ${min} characters`);
const perTier = <T extends z.ZodType>(value: T) =>
  z.strictObject(Object.fromEntries(TIERS.map((t) => [t, value])) as Record<(typeof TIERS)[number], T>);

/** The largest value any assumption may take: keeps every computed figure a safe integer (see docs/cost-model.md, Bounds). */
const ASSUMPTION_LIMIT = 100_000;

const AssumptionSchema = z.strictObject({
  key: slug,
  label: text(3),
  meaning: text(10),
  /** A cited public figure, or the word "judgement" where none exists. */
  basis: text(3),
  unit: z.enum(["share", "days", "months", "ratio", "count", "money"]),
  /**
   * cost: raising it never lowers a total; threshold: a red-flag trigger; timing: moves when costs
   * and value fall; value: moves present values or the workflow's value, never a nominal cost.
   */
  kind: z.enum(["cost", "threshold", "timing", "value"]).default("cost"),
  /** The range a buyer may set it to: required, so that no form or bundle can store a value beyond sense. */
  min: z.number("needs a minimum (min)").finite().min(-ASSUMPTION_LIMIT, `must be at least ${-ASSUMPTION_LIMIT}`),
  max: z.number("needs a maximum (max)").finite().max(ASSUMPTION_LIMIT, `must be at most ${ASSUMPTION_LIMIT}`),
  defaults: perTier(z.number().finite()),
  /** The range drawn for it (ranges, tornado), when the set states one; otherwise the sensitivity range around its value. */
  low: z.number().finite().optional(),
  high: z.number().finite().optional(),
});

const EstimateSchema = z
  .strictObject({
    share: slug.optional(),
    of: z.enum(ESTIMATE_BASES).optional(),
    days: slug.optional(),
    /** Scales the estimate by another answer: a factor (an assumption key) per answer value; silence takes the largest. */
    scale_by: z.strictObject({ question: slug, factors: z.record(z.string(), slug) }).optional(),
    /** For a yes/no or choice question: the answers that cause the cost (silence counts as causing it). */
    applies_when: z
      .array(z.union([z.string(), z.boolean()]))
      .min(1)
      .optional(),
  })
  .refine((e) => e.share !== undefined || e.days !== undefined, "needs a share (with of) or days, or both")
  .refine((e) => (e.share === undefined) === (e.of === undefined), "share and of go together");

/** A numeric bound of a flag hook: one number, or one per tier (the system-of-record tier is stricter). */
const bound = z.union([z.number().finite(), perTier(z.number().finite())]);

const FlagHookSchema = z.strictObject({
  flag: z.enum(FLAGS),
  severity: z.enum(SEVERITIES),
  /** Answer values that raise the flag ("unanswered" for silence), or a numeric bound. */
  when: z.union([
    z.array(z.union([z.string(), z.boolean()])).min(1),
    z.strictObject({ below: bound }),
    z.strictObject({ above: bound }),
  ]),
});

const OptionSchema = z.strictObject({ value: slug, label: text(1) });

/** An item of a framework by its identifier ("MEASURE 2.7", "Art. 14", "A.6.2.4"). */
const refId = z.string().trim().min(1, "cannot be empty").max(80, "at most 80 characters");

/** A framework a set declares itself (an imported library's): its items by identifier, with a short label. */
const FrameworkSchema = z.strictObject({
  key: slug,
  title: text(3),
  items: z.array(z.strictObject({ id: refId, label: z.string().trim().max(200).default("") })).min(1),
});

const QuestionSchema = z.strictObject({
  key: slug,
  type: z.enum(QUESTION_TYPES),
  text: text(8),
  help: z.string().trim().optional(),
  required: z.boolean().default(true),
  evidence: z.boolean().default(false),
  shows_if: z.strictObject({ question: slug, in: z.array(z.union([z.string(), z.boolean()])).min(1) }).optional(),
  layer: z.enum(LAYERS).optional(),
  phase: z.enum(PHASES).optional(),
  nature: z.enum(NATURES).optional(),
  /** The work a priced question's line pays for: questions that can price the same work share it, and it is counted once. */
  work: slug.optional(),
  /** When a one-off cost falls (default by phase: build, go_live, go_live, go_live, end). */
  timing: z.enum(TIMINGS).optional(),
  /** When a recurring cost starts (default: go_live for live operation, signature otherwise). */
  starts: z.enum(STARTS).optional(),
  /** For a temporary cost: the assumption giving its length in months (default rollout_months). */
  months: slug.optional(),
  /** A commercial term the cost model reads from this answer. */
  term: z.enum(TERMS).optional(),
  /** Whether "not applicable" is an acceptable coverage answer. */
  allow_na: z.boolean().default(false),
  /** A control item: excluded or deferred counts toward governance_deferred. */
  control: z.boolean().default(false),
  /** For money questions: which quoted price this is. */
  quote: z.enum(QUOTE_ITEMS).optional(),
  /** For quoted money: part of the headline price (entry price) or priced outside it. */
  headline: z.boolean().default(true),
  unit: z.string().trim().min(1).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  options: z.array(OptionSchema).optional(),
  estimate: EstimateSchema.optional(),
  flags: z.array(FlagHookSchema).default([]),
  /** The framework items this question bears on, by framework key and item identifier: identifiers only. */
  refs: z.record(slug, z.array(refId).min(1, "name at least one item")).optional(),
});

const SectionSchema = z.strictObject({
  role: z.enum(ROLES),
  title: text(3),
  intro: text(10),
  questions: z.array(QuestionSchema).min(1, "a section needs at least one question"),
});

export const QuestionSetSchema = z
  .strictObject({
    id: slug,
    title: text(3),
    description: text(10),
    /** Frameworks beyond the built-in ones (EU AI Act, NIST AI RMF, ISO/IEC 42001) that questions refer to. */
    frameworks: z.array(FrameworkSchema).optional(),
    assumptions: z.array(AssumptionSchema).min(1),
    sections: z.array(SectionSchema).min(1),
  })
  .superRefine(crossCheck);

/** Questions a set may hold: bounded, so that every figure of the model stays a safe integer. */
const MAX_QUESTIONS = 1000;

export type Assumption = z.infer<typeof AssumptionSchema>;
export type Question = z.infer<typeof QuestionSchema>;
export type Section = z.infer<typeof SectionSchema>;
export type QuestionSet = z.infer<typeof QuestionSetSchema>;
export type FlagHook = z.infer<typeof FlagHookSchema>;

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

/** Checks that span fields: unique keys, references to assumptions and questions, per-type requirements. */
function crossCheck(
  set: { assumptions: Assumption[]; sections: Section[]; frameworks?: z.infer<typeof FrameworkSchema>[] },
  ctx: Ctx,
): void {
  const add = (path: Path, message: string) => ctx.addIssue({ code: "custom", path, message });
  checkRefs(set, add);
  const assumptions = new Map<string, number>();
  set.assumptions.forEach((a, i) => {
    if (assumptions.has(a.key))
      add(
        ["assumptions", i, "key"],
        `duplicate assumption '${a.key}' (first at assumptions[${assumptions.get(a.key)}])`,
      );
    else assumptions.set(a.key, i);
    if (a.min > a.max) add(["assumptions", i, "max"], `max ${a.max} is below min ${a.min}`);
    for (const tier of TIERS) {
      const v = a.defaults[tier];
      if (v < a.min || v > a.max)
        add(["assumptions", i, "defaults", tier], `default ${v} is outside [${a.min}, ${a.max}]`);
    }
    if (a.unit === "share" && a.key === MODEL_ASSUMPTIONS.partialShare && a.max > 1)
      add(["assumptions", i, "max"], "a partial share cannot exceed 1");
  });
  for (const key of Object.values(MODEL_ASSUMPTIONS))
    if (!assumptions.has(key)) add(["assumptions"], `the cost model needs the assumption '${key}'`);
  const count = set.sections.reduce((n, s) => n + s.questions.length, 0);
  if (count > MAX_QUESTIONS)
    add(["sections"], `a set holds at most ${MAX_QUESTIONS} questions (this one has ${count})`);

  const roles = new Map<string, number>();
  const questions = new Map<string, { path: Path; q: Question }>();
  set.sections.forEach((s, si) => {
    if (roles.has(s.role))
      add(["sections", si, "role"], `duplicate section for role '${s.role}' (first at sections[${roles.get(s.role)}])`);
    else roles.set(s.role, si);
    s.questions.forEach((q, qi) => {
      const path: Path = ["sections", si, "questions", qi];
      const first = questions.get(q.key);
      if (first) add([...path, "key"], `duplicate question key '${q.key}' (first at ${formatPath(first.path)})`);
      else questions.set(q.key, { path, q });
    });
  });
  for (const { path, q } of questions.values()) checkQuestion(q, path, add, assumptions, questions);
  checkTerms(questions, add, assumptions);
  const needs = (key: string, why: string) => {
    if (!assumptions.has(key)) add(["assumptions"], `${why} needs the assumption '${key}'`);
  };
  for (const { q } of questions.values()) {
    const of = q.estimate?.of;
    if (of === "build_reference" || of === "implementation_fee")
      needs(FEATURE_ASSUMPTIONS.buildReferenceDays, `'${q.key}' (a share of the build reference)`);
    if (of === "run_reference" || of === "annual_licence" || of === "annual_run_cost")
      needs(FEATURE_ASSUMPTIONS.runReferenceDays, `'${q.key}' (a share of the run reference)`);
  }
}

/** Declared frameworks are new and unique; each reference names a known framework and one of its items. */
function checkRefs(
  set: { sections: Section[]; frameworks?: z.infer<typeof FrameworkSchema>[] },
  add: (path: Path, message: string) => void,
): void {
  const declared = new Set<string>();
  const builtIn = frameworksOf().map((f) => f.key);
  (set.frameworks ?? []).forEach((f, fi) => {
    if (builtIn.includes(f.key))
      add(["frameworks", fi, "key"], `'${f.key}' is built in: refer to it without declaring it`);
    else if (declared.has(f.key)) add(["frameworks", fi, "key"], `duplicate framework '${f.key}'`);
    declared.add(f.key);
    const ids = new Set<string>();
    f.items.forEach((item, ii) => {
      if (ids.has(item.id)) add(["frameworks", fi, "items", ii, "id"], `duplicate item '${item.id}'`);
      ids.add(item.id);
    });
  });
  const known = new Map(frameworksOf(set.frameworks ?? []).map((f) => [f.key, f]));
  set.sections.forEach((s, si) =>
    s.questions.forEach((q, qi) => {
      for (const [key, ids] of Object.entries(q.refs ?? {})) {
        const path: Path = ["sections", si, "questions", qi, "refs", key];
        const f = known.get(key);
        if (!f) {
          add(
            path,
            `unknown framework '${key}': one of ${[...known.keys()].join(", ")}, or declare it under frameworks`,
          );
          continue;
        }
        ids.forEach((id, i) => {
          if (!f.items.some((item) => item.id === id))
            add([...path, i], `'${id}' is not an item of ${f.title} (e.g. ${f.items[0]!.id})`);
        });
      }
    }),
  );
}

/** Which question types and natures each term takes. */
const TERM_SHAPES: Record<Term, { type: Question["type"]; nature?: Question["nature"]; needs: string[] }> = {
  price_cap: { type: "percent", needs: [FEATURE_ASSUMPTIONS.escalation] },
  min_term: { type: "number", needs: [] },
  pilot_pricing: { type: "yes_no", needs: [] },
  post_pilot_price: { type: "money", nature: "recurring", needs: [] },
  change_rate: {
    type: "money",
    needs: [
      FEATURE_ASSUMPTIONS.changeDays,
      FEATURE_ASSUMPTIONS.vendorChangeShare,
      FEATURE_ASSUMPTIONS.vendorRateFactor,
    ],
  },
  vendor_change_share: { type: "percent", needs: [FEATURE_ASSUMPTIONS.vendorChangeShare] },
  rollout_plan: { type: "single_choice", needs: [] },
  go_live_estimate: { type: "number", needs: [] },
  usage_model: {
    type: "single_choice",
    nature: "recurring",
    needs: [FEATURE_ASSUMPTIONS.usageRequests, FEATURE_ASSUMPTIONS.usageGrowth],
  },
  usage_unit_price: { type: "money", needs: [] },
  usage_included: { type: "number", needs: [] },
  usage_flat_fee: { type: "money", needs: [] },
  usage_cap: { type: "money", needs: [] },
  inference_included: {
    type: "yes_no",
    nature: "recurring",
    needs: [
      FEATURE_ASSUMPTIONS.usageRequests,
      FEATURE_ASSUMPTIONS.tokensPerRequest,
      FEATURE_ASSUMPTIONS.buyerTokenPrice,
    ],
  },
};

function checkTerms(
  questions: Map<string, { path: Path; q: Question }>,
  add: (path: Path, message: string) => void,
  assumptions: Map<string, number>,
): void {
  const seen = new Map<Term, string>();
  for (const { path, q } of questions.values()) {
    if (!q.term) continue;
    const shape = TERM_SHAPES[q.term];
    const first = seen.get(q.term);
    if (first) add([...path, "term"], `the term '${q.term}' is already on '${first}'`);
    seen.set(q.term, q.key);
    if (q.type !== shape.type) add([...path, "term"], `the term '${q.term}' needs a ${shape.type} question`);
    if (shape.nature && q.nature !== shape.nature) add([...path, "nature"], `the term '${q.term}' is ${shape.nature}`);
    if (q.quote !== undefined || q.estimate !== undefined)
      add([...path, "term"], "a term question is neither a quoted price nor an estimate");
    for (const key of shape.needs)
      if (!assumptions.has(key)) add([...path, "term"], `the term '${q.term}' needs the assumption '${key}'`);
  }
  const post = seen.get("post_pilot_price");
  if (post) {
    const q = questions.get(post)!;
    if (!seen.has("pilot_pricing") || q.q.shows_if?.question !== seen.get("pilot_pricing"))
      add([...q.path, "shows_if"], "the post-pilot price shows only when the pilot-pricing question says yes");
  }
}

function checkQuestion(
  q: Question,
  path: Path,
  add: (path: Path, message: string) => void,
  assumptions: Map<string, number>,
  questions: Map<string, { path: Path; q: Question }>,
): void {
  const need = (field: keyof Question, why: string) => {
    if (q[field] === undefined) add([...path, field], `a ${q.type} question needs '${field}' ${why}`);
  };
  if (q.type === "coverage") {
    need("layer", "(where the cost sits)");
    need("phase", "(when it is funded)");
    need("nature", "(one_off or recurring)");
    need("estimate", "(how to price it when the buyer must fund it)");
  }
  if (q.type === "money") {
    need("nature", "(one_off or recurring)");
    if (q.quote !== undefined) {
      need("layer", "(where the quoted price sits)");
      need("phase", "(when the quoted price is paid)");
    }
    if (q.estimate !== undefined)
      add(
        [...path, "estimate"],
        q.quote !== undefined
          ? "a quoted price takes no estimate: a blank price is a missing figure, never estimated"
          : "a money question carries no estimate",
      );
  }
  if (q.type === "number" && q.estimate !== undefined) {
    if (q.unit !== "days") add([...path, "unit"], "a number question with an estimate counts days: set unit: days");
    if (q.estimate.share !== undefined)
      add([...path, "estimate", "share"], "a day-count question's estimate can use days only");
    need("layer", "(where the cost sits)");
    need("phase", "(when it is funded)");
    need("nature", "(one_off or recurring)");
  }
  const isChoiceLike = q.type === "yes_no" || q.type === "single_choice" || q.type === "multi_choice";
  if (isChoiceLike && q.estimate !== undefined) {
    if (q.estimate.applies_when === undefined)
      add(
        [...path, "estimate", "applies_when"],
        `a ${q.type} question's estimate needs applies_when (the answers that cause the cost)`,
      );
    else checkValues(q, q.estimate.applies_when, [...path, "estimate", "applies_when"], add, false);
    need("layer", "(where the cost sits)");
    need("phase", "(when it is funded)");
    need("nature", "(one_off, temporary or recurring)");
  } else if (q.estimate?.applies_when !== undefined)
    add([...path, "estimate", "applies_when"], "only a yes/no or choice question's estimate takes applies_when");
  if (q.quote !== undefined && q.type !== "money")
    add([...path, "quote"], "only a money question can be a quoted price");
  if (q.estimate !== undefined && !["coverage", "money", "number"].includes(q.type) && !isChoiceLike)
    add([...path, "estimate"], `a ${q.type} question cannot carry an estimate`);
  if (q.timing !== undefined && q.nature !== "one_off") add([...path, "timing"], "only a one-off cost takes a timing");
  if (q.starts !== undefined && q.nature !== "recurring")
    add([...path, "starts"], "only a recurring cost takes a start");
  if (q.months !== undefined && q.nature !== "temporary")
    add([...path, "months"], "only a temporary cost takes a length in months");
  if (q.months !== undefined && !assumptions.has(q.months))
    add([...path, "months"], `unknown assumption '${q.months}'`);
  if (q.work !== undefined && q.layer === undefined)
    add([...path, "work"], "only a priced question names the work it pays for");
  if (q.work !== undefined && q.quote !== undefined && q.headline)
    add([...path, "work"], "a headline price is counted as quoted and shares its work with no other question");
  const scale = q.estimate?.scale_by;
  if (scale) {
    const target = questions.get(scale.question);
    if (!target)
      add([...path, "estimate", "scale_by", "question"], `scale_by points at a missing question '${scale.question}'`);
    else if (target.q.type !== "single_choice" && target.q.type !== "yes_no")
      add([...path, "estimate", "scale_by", "question"], "scale_by reads a single-choice or yes/no question");
    else {
      const allowed = (allowedValues(target.q) ?? []).map(String);
      for (const value of Object.keys(scale.factors))
        if (!allowed.includes(value))
          add(
            [...path, "estimate", "scale_by", "factors", value],
            `'${value}' is not an answer of '${scale.question}' (expected one of: ${allowed.join(", ")})`,
          );
    }
    for (const [value, key] of Object.entries(scale.factors))
      if (!assumptions.has(key))
        add([...path, "estimate", "scale_by", "factors", value], `unknown assumption '${key}'`);
  }
  const isChoice = q.type === "single_choice" || q.type === "multi_choice";
  if (isChoice && (q.options === undefined || q.options.length < 2))
    add([...path, "options"], `a ${q.type} question needs at least two options`);
  if (!isChoice && q.options !== undefined) add([...path, "options"], `a ${q.type} question takes no options`);
  if (q.options) {
    const seen = new Set<string>();
    q.options.forEach((o, oi) => {
      if (seen.has(o.value)) add([...path, "options", oi, "value"], `duplicate option '${o.value}'`);
      seen.add(o.value);
    });
  }
  for (const field of ["share", "days"] as const) {
    const ref = q.estimate?.[field];
    if (ref !== undefined && !assumptions.has(ref)) add([...path, "estimate", field], `unknown assumption '${ref}'`);
  }
  if (q.shows_if) {
    const target = questions.get(q.shows_if.question);
    if (!target)
      add([...path, "shows_if", "question"], `shows_if points at a missing question '${q.shows_if.question}'`);
    else if (target.q.key === q.key) add([...path, "shows_if", "question"], "a question cannot depend on itself");
    else checkValues(target.q, q.shows_if.in, [...path, "shows_if", "in"], add, false);
  }
  q.flags.forEach((f, fi) => {
    if (Array.isArray(f.when)) checkValues(q, f.when, [...path, "flags", fi, "when"], add, true);
    else if (!["money", "number", "percent"].includes(q.type))
      add([...path, "flags", fi, "when"], `a numeric bound only applies to money, number or percent questions`);
  });
}

/** Answer values a rule may name for a question: coverage statuses, option values, yes/no. */
function allowedValues(q: Question): (string | boolean)[] | null {
  switch (q.type) {
    case "coverage":
      return [...COVERAGE];
    case "yes_no":
      return [true, false];
    case "single_choice":
    case "multi_choice":
      return (q.options ?? []).map((o) => o.value);
    default:
      return null;
  }
}

function checkValues(
  q: Question,
  values: (string | boolean)[],
  path: Path,
  add: (p: Path, m: string) => void,
  allowUnanswered: boolean,
): void {
  const allowed = allowedValues(q);
  values.forEach((v, i) => {
    if (allowUnanswered && v === "unanswered") return;
    if (allowed === null) add([...path, i], `question '${q.key}' (${q.type}) has no fixed answer values to match`);
    else if (!allowed.includes(v))
      add([...path, i], `'${String(v)}' is not an answer of '${q.key}' (expected one of: ${allowed.join(", ")})`);
  });
}

/** Formats a zod path as sections[2].questions[5].estimate.share. */
export function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("") ||
    "(top level)"
  );
}
