import { z } from "zod";
import {
  COVERAGE, ESTIMATE_BASES, FLAGS, LAYERS, MODEL_ASSUMPTIONS, NATURES, PHASES, QUESTION_TYPES, QUOTE_ITEMS, ROLES,
  SEVERITIES, TIERS,
} from "../domain.js";

const slug = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be lower_snake_case (a-z, 0-9, _), starting with a letter");
const text = (min: number) => z.string().trim().min(min, `must be at least ${min} characters`);

export const AssumptionSchema = z.strictObject({
  key: slug,
  label: text(3),
  meaning: text(10),
  /** A cited public figure, or the word "judgement" where none exists. */
  basis: text(3),
  unit: z.enum(["share", "days", "months", "ratio"]),
  /** cost: raising it never lowers a total; threshold: a red-flag trigger; timing: moves value, not cost. */
  kind: z.enum(["cost", "threshold", "timing"]).default("cost"),
  min: z.number().optional(),
  max: z.number().optional(),
  defaults: z.strictObject(Object.fromEntries(TIERS.map((t) => [t, z.number().finite().min(0)])) as Record<(typeof TIERS)[number], z.ZodNumber>),
});

const EstimateSchema = z
  .strictObject({
    share: slug.optional(),
    of: z.enum(ESTIMATE_BASES).optional(),
    days: slug.optional(),
  })
  .refine((e) => e.share !== undefined || e.days !== undefined, "needs a share (with of) or days, or both")
  .refine((e) => (e.share === undefined) === (e.of === undefined), "share and of go together");

const FlagHookSchema = z.strictObject({
  flag: z.enum(FLAGS),
  severity: z.enum(SEVERITIES),
  /** Answer values that raise the flag ("unanswered" for silence), or a numeric bound. */
  when: z.union([
    z.array(z.union([z.string(), z.boolean()])).min(1),
    z.strictObject({ below: z.number() }),
    z.strictObject({ above: z.number() }),
  ]),
});

const OptionSchema = z.strictObject({ value: slug, label: text(1) });

export const QuestionSchema = z.strictObject({
  key: slug,
  type: z.enum(QUESTION_TYPES),
  text: text(8),
  help: z.string().trim().optional(),
  required: z.boolean().default(true),
  evidence: z.boolean().default(false),
  shows_if: z
    .strictObject({ question: slug, in: z.array(z.union([z.string(), z.boolean()])).min(1) })
    .optional(),
  layer: z.enum(LAYERS).optional(),
  phase: z.enum(PHASES).optional(),
  nature: z.enum(NATURES).optional(),
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
});

export const SectionSchema = z.strictObject({
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
    assumptions: z.array(AssumptionSchema).min(1),
    sections: z.array(SectionSchema).min(1),
  })
  .superRefine(crossCheck);

export type Assumption = z.infer<typeof AssumptionSchema>;
export type Question = z.infer<typeof QuestionSchema>;
export type Section = z.infer<typeof SectionSchema>;
export type QuestionSet = z.infer<typeof QuestionSetSchema>;
export type FlagHook = z.infer<typeof FlagHookSchema>;

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

/** Checks that span fields: unique keys, references to assumptions and questions, per-type requirements. */
function crossCheck(set: { assumptions: Assumption[]; sections: Section[] }, ctx: Ctx): void {
  const add = (path: Path, message: string) => ctx.addIssue({ code: "custom", path, message });
  const assumptions = new Map<string, number>();
  set.assumptions.forEach((a, i) => {
    if (assumptions.has(a.key)) add(["assumptions", i, "key"], `duplicate assumption '${a.key}' (first at assumptions[${assumptions.get(a.key)}])`);
    else assumptions.set(a.key, i);
    for (const tier of TIERS) {
      const v = a.defaults[tier];
      if ((a.min !== undefined && v < a.min) || (a.max !== undefined && v > a.max))
        add(["assumptions", i, "defaults", tier], `default ${v} is outside [${a.min ?? "-∞"}, ${a.max ?? "∞"}]`);
    }
  });
  for (const key of Object.values(MODEL_ASSUMPTIONS))
    if (!assumptions.has(key)) add(["assumptions"], `the cost model needs the assumption '${key}'`);

  const roles = new Map<string, number>();
  const questions = new Map<string, { path: Path; q: Question }>();
  set.sections.forEach((s, si) => {
    if (roles.has(s.role)) add(["sections", si, "role"], `duplicate section for role '${s.role}' (first at sections[${roles.get(s.role)}])`);
    else roles.set(s.role, si);
    s.questions.forEach((q, qi) => {
      const path: Path = ["sections", si, "questions", qi];
      const first = questions.get(q.key);
      if (first) add([...path, "key"], `duplicate question key '${q.key}' (first at ${formatPath(first.path)})`);
      else questions.set(q.key, { path, q });
    });
  });
  for (const { path, q } of questions.values()) checkQuestion(q, path, add, assumptions, questions);
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
      need("estimate", "(how to price it when the vendor leaves it blank)");
    }
    // A blank price is estimated before the bases other estimates are shares of exist.
    if (q.estimate?.share !== undefined) add([...path, "estimate", "share"], "a money question's estimate can use days only");
  }
  if (q.type === "number" && q.estimate !== undefined) {
    if (q.unit !== "days") add([...path, "unit"], "a number question with an estimate counts days: set unit: days");
    need("layer", "(where the cost sits)");
    need("phase", "(when it is funded)");
    need("nature", "(one_off or recurring)");
  }
  if (q.quote !== undefined && q.type !== "money") add([...path, "quote"], "only a money question can be a quoted price");
  if (q.estimate !== undefined && !["coverage", "money", "number"].includes(q.type))
    add([...path, "estimate"], `a ${q.type} question cannot carry an estimate`);
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
    if (!target) add([...path, "shows_if", "question"], `shows_if points at a missing question '${q.shows_if.question}'`);
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
    case "coverage": return [...COVERAGE];
    case "yes_no": return [true, false];
    case "single_choice":
    case "multi_choice": return (q.options ?? []).map((o) => o.value);
    default: return null;
  }
}

function checkValues(q: Question, values: (string | boolean)[], path: Path, add: (p: Path, m: string) => void, allowUnanswered: boolean): void {
  const allowed = allowedValues(q);
  values.forEach((v, i) => {
    if (allowUnanswered && v === "unanswered") return;
    if (allowed === null) add([...path, i], `question '${q.key}' (${q.type}) has no fixed answer values to match`);
    else if (!allowed.includes(v)) add([...path, i], `'${String(v)}' is not an answer of '${q.key}' (expected one of: ${allowed.join(", ")})`);
  });
}

/** Formats a zod path as sections[2].questions[5].estimate.share. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join("") || "(top level)";
}
