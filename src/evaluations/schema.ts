import { z } from "zod";
import { ROLES, TIERS } from "../domain.js";
import { toMinor } from "../format.js";
import type { QuestionSet } from "../questions/schema.js";

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

const amount = (label: string) =>
  z
    .string()
    .trim()
    .transform((s) => s.replace(/[,\s]/g, ""))
    .pipe(z.string().regex(/^\d{1,13}(\.\d{1,2})?$/, `Enter ${label} as a number, e.g. 950 or 950.50`));

/** The evaluation form as the browser posts it (strings); amounts become minor units. */
export const EvaluationFormSchema = z
  .object({
    title: z.string().trim().min(3, "Give the evaluation a title of at least 3 characters").max(200, "Keep the title under 200 characters"),
    description: z.string().trim().max(5000, "Keep the description under 5,000 characters").default(""),
    questionSetId: z.coerce.number("Choose a question set").int().positive("Choose a question set"),
    roles: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(ROLES)).min(1, "Send at least one role section")),
    tier: z.enum(TIERS, "Choose the workflow's tier"),
    horizonYears: z.coerce.number("Enter a number of years").int("Enter whole years").min(1, "At least 1 year").max(10, "At most 10 years"),
    currency: z.string().trim().toUpperCase().refine((c) => CURRENCIES.has(c), "Enter an ISO 4217 currency code, e.g. EUR, USD, GBP"),
    dayRate: amount("the day rate"),
    valueEstimate: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), amount("the yearly value").optional()),
    dueDate: z.iso.date("Enter a date (YYYY-MM-DD)"),
    sensitivityPercent: z.coerce.number("Enter a percentage").min(5, "At least 5%").max(90, "At most 90%").default(30),
    unevidencedIncludedAsPartial: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
  })
  .transform((f) => ({
    ...f,
    dayRateMinor: toMinor(Number(f.dayRate), f.currency),
    valueEstimateMinor: f.valueEstimate === undefined ? null : toMinor(Number(f.valueEstimate), f.currency),
  }));
export type EvaluationForm = z.output<typeof EvaluationFormSchema>;

/** Parses the assumption overrides posted as a_<key>: blank means the tier's default; each within the assumption's bounds. */
export function parseAssumptionOverrides(set: QuestionSet, body: Record<string, unknown>, tier: string): { overrides: Record<string, number>; errors: Record<string, string> } {
  const overrides: Record<string, number> = {};
  const errors: Record<string, string> = {};
  for (const a of set.assumptions) {
    const raw = body[`a_${a.key}`];
    if (typeof raw !== "string" || raw.trim() === "") continue;
    const v = Number(raw.trim());
    if (!Number.isFinite(v)) errors[`a_${a.key}`] = "Enter a number";
    else if (v < (a.min ?? 0)) errors[`a_${a.key}`] = `At least ${a.min ?? 0}`;
    else if (a.max !== undefined && v > a.max) errors[`a_${a.key}`] = `At most ${a.max}`;
    else if (v !== a.defaults[tier as keyof typeof a.defaults]) overrides[a.key] = v;
  }
  return { overrides, errors };
}
