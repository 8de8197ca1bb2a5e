import { z } from "zod";
import { ROLES, TIERS, type Phase } from "../domain.js";
import { GATED } from "../model/funding.js";
import { parseAmount } from "../format.js";
import { oneLine, someLines, textProblem } from "../text.js";
import type { QuestionSet } from "../questions/schema.js";

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

/** An amount's shape, checked field by field: the decimals its currency allows are checked once the currency is known. */
const AMOUNT_SHAPE = /^[^\d.-]*\d[\d\s,'’\u00a0\u202f]*(\.\d+)?$/;
const amount = (label: string) =>
  z.string().trim().regex(AMOUNT_SHAPE, `Enter ${label} as a number, e.g. 950 or 950.50`);

/** The evaluation form as the browser posts it (strings); amounts become minor units. */
export const EvaluationFormSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(3, "Give the evaluation a title of at least 3 characters")
      .max(200, "Keep the title under 200 characters")
      .superRefine(oneLine),
    description: z
      .string()
      .trim()
      .max(5000, "Keep the description under 5,000 characters")
      .superRefine(someLines)
      .default(""),
    questionSetId: z.coerce.number("Choose a question set").int().positive("Choose a question set"),
    roles: z.preprocess(
      (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.enum(ROLES)).min(1, "Send at least one role section"),
    ),
    tier: z.enum(TIERS, "Choose the workflow's tier"),
    horizonYears: z.coerce
      .number("Enter a number of years")
      .int("Enter whole years")
      .min(1, "At least 1 year")
      .max(10, "At most 10 years"),
    currency: z
      .string()
      .trim()
      .toUpperCase()
      .refine((c) => CURRENCIES.has(c), "Enter an ISO 4217 currency code, e.g. EUR, USD, GBP"),
    dayRate: amount("the day rate"),
    valueEstimate: z.preprocess(
      (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
      amount("the yearly value").optional(),
    ),
    dueDate: z.iso.date("Enter a date (YYYY-MM-DD)"),
    sensitivityPercent: z.coerce.number("Enter a percentage").min(5, "At least 5%").max(90, "At most 90%").default(30),
    unevidencedIncludedAsPartial: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
    rankUnsubmitted: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
    rankOn: z.enum(["nominal", "present"], "Choose what vendors are ranked on").default("nominal"),
    // The form sends "off" (a hidden field) then "on" when ticked; a client that sends neither keeps the default (allowed).
    allowNotKnown: z.preprocess(
      (v) => (v === undefined ? true : Array.isArray(v) ? v.includes("on") : v === "on" || v === "true" || v === true),
      z.boolean(),
    ),
  })
  .transform((f, ctx) => {
    // Amounts are read in the evaluation's currency, exactly (see parseAmount).
    const read = (text: string | undefined, path: string, label: string) => {
      if (text === undefined) return null;
      const r = parseAmount(text, f.currency);
      if (r.ok) return r.minor;
      const message = r.error.startsWith("Enter an amount")
        ? `Enter ${label} as a number, e.g. 950 or 950.50`
        : r.error;
      ctx.addIssue({ code: "custom", path: [path], message });
      return z.NEVER;
    };
    return {
      ...f,
      dayRateMinor: read(f.dayRate, "dayRate", "the day rate")!,
      valueEstimateMinor: read(f.valueEstimate, "valueEstimate", "the yearly value"),
    };
  });

export type EvaluationForm = z.output<typeof EvaluationFormSchema>;

/** Why an assumption value is refused (outside its documented bounds, or not a number), or null: one rule for the form and bundles. */
export function assumptionProblem(a: QuestionSet["assumptions"][number], v: unknown): string | null {
  if (typeof v !== "number" || !Number.isFinite(v)) return "must be a number";
  if (v < a.min) return `at least ${a.min}`;
  if (v > a.max) return `at most ${a.max}`;
  return null;
}

/** Parses the assumption overrides posted as a_<key>: blank means the tier's default; each within the assumption's bounds. */
export function parseAssumptionOverrides(
  set: QuestionSet,
  body: Record<string, unknown>,
  tier: string,
): { overrides: Record<string, number>; errors: Record<string, string> } {
  const overrides: Record<string, number> = {};
  const errors: Record<string, string> = {};
  for (const a of set.assumptions) {
    const raw = body[`a_${a.key}`];
    if (typeof raw !== "string" || raw.trim() === "") continue;
    const text = raw.trim().replace(/,/g, "");
    const v = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    const problem = assumptionProblem(a, v);
    if (problem)
      errors[`a_${a.key}`] =
        problem === "must be a number"
          ? "Enter a number, e.g. 0.25 or 12"
          : `${problem.charAt(0).toUpperCase()}${problem.slice(1)}`;
    else if (v !== a.defaults[tier as keyof typeof a.defaults]) overrides[a.key] = v;
  }
  return { overrides, errors };
}

/** At most this many criteria in one gate, each at most GATE_TEXT characters. */
const GATE_CRITERIA = 12;
const GATE_TEXT = 300;

/**
 * Parses the gates posted as gate_<phase>, one criterion per line: a blank field keeps the default
 * criteria drawn from the stage's questions (model/funding.ts); a filled one replaces them.
 */
export function parseGates(body: Record<string, unknown>): {
  gates: Partial<Record<Phase, string[]>>;
  errors: Record<string, string>;
} {
  const gates: Partial<Record<Phase, string[]>> = {};
  const errors: Record<string, string> = {};
  for (const phase of GATED) {
    const raw = body[`gate_${phase}`];
    if (typeof raw !== "string") continue;
    const problem = textProblem(raw, true);
    const lines = raw
      .split(/\r?\n/)
      .map((l) => l.trim().replace(/^[-•*]\s*/, ""))
      .filter(Boolean);
    if (problem) errors[`gate_${phase}`] = `The criteria ${problem}`;
    else if (lines.length > GATE_CRITERIA) errors[`gate_${phase}`] = `At most ${GATE_CRITERIA} criteria, one per line`;
    else if (lines.some((l) => l.length > GATE_TEXT))
      errors[`gate_${phase}`] = `Keep each criterion under ${GATE_TEXT} characters`;
    else if (lines.length) gates[phase] = lines;
  }
  return { gates, errors };
}
