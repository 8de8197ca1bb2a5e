import { z } from "zod";
import { someLines } from "../text.js";
import { COVERAGE, type CoverageStatus, type Role } from "../domain.js";
import { MAX_MINOR } from "../format.js";
import type { Question, QuestionSet } from "./schema.js";

{
  MAX_MINOR;
}

const CoverageAnswerSchema = z.strictObject({
  status: z.enum(COVERAGE),
  /** A separate price for the item, outside the headline quote, in minor units. */
  price: z
    .number()
    .int("must be a whole number of minor units")
    .min(0, "cannot be negative")
    .max(MAX_MINOR, "is too large")
    .optional(),
});
export type CoverageAnswer = z.infer<typeof CoverageAnswerSchema>;

/** A stored answer: its shape depends on the question type. */
export type AnswerValue = CoverageAnswer | number | boolean | string | string[];

const cache = new WeakMap<Question, z.ZodType<AnswerValue>>();

/** The zod schema an answer to this question must satisfy. */
export function answerSchema(q: Question): z.ZodType<AnswerValue> {
  let s = cache.get(q);
  if (!s) {
    s = buildSchema(q);
    cache.set(q, s);
  }
  return s;
}

function bounded(q: Question, base: z.ZodNumber): z.ZodNumber {
  let s = base;
  if (q.min !== undefined) s = s.min(q.min, `must be at least ${q.min}`);
  if (q.max !== undefined) s = s.max(q.max, `must be at most ${q.max}`);
  return s;
}

function buildSchema(q: Question): z.ZodType<AnswerValue> {
  const values = (q.options ?? []).map((o) => o.value) as [string, ...string[]];
  switch (q.type) {
    case "coverage":
      return CoverageAnswerSchema.refine((a) => q.allow_na || a.status !== "not_applicable", {
        message: "'Not applicable' is not an accepted answer to this question",
        path: ["status"],
      });
    case "money":
      return z
        .number("must be an amount")
        .int("must be a whole number of minor units")
        .min(0, "cannot be negative")
        .max(MAX_MINOR, "is too large");
    case "number":
      return bounded(
        q,
        z
          .number("must be a number")
          .finite("must be a finite number")
          .max(1e12, "is too large")
          .min(-1e12, "is too small"),
      );
    case "percent":
      return bounded(q, z.number("must be a percentage").min(0, "must be at least 0").max(100, "must be at most 100"));
    case "yes_no":
      return z.boolean("must be yes or no");
    case "single_choice":
      return z.enum(values, "must be one of the listed options");
    case "multi_choice":
      return z
        .array(z.enum(values, "must be one of the listed options"))
        .min(1, "choose at least one option")
        .refine((a) => new Set(a).size === a.length, "lists an option twice");
    case "date":
      return z.iso.date("must be a date (YYYY-MM-DD)");
    case "text":
      return z
        .string("must be text")
        .trim()
        .min(1, "cannot be empty")
        .max(10_000, "is longer than 10,000 characters")
        .superRefine(someLines);
  }
}

/** The coverage status of an answer, or undefined when the answer is not a coverage answer. */
export function coverageStatus(value: AnswerValue | undefined): CoverageStatus | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value.status : undefined;
}

/** Whether a question is shown given the other answers (shows_if); hidden questions are neither asked nor priced. */
export function isShown(q: Question, answers: Readonly<Record<string, AnswerValue | undefined>>): boolean {
  if (!q.shows_if) return true;
  const other = answers[q.shows_if.question];
  if (other === undefined) return false;
  const actual = coverageStatus(other) ?? other;
  if (Array.isArray(actual)) return actual.some((v) => q.shows_if!.in.includes(v));
  return q.shows_if.in.includes(actual as string | boolean);
}

const sources = new WeakMap<QuestionSet, Set<string>>();

/** The questions whose answers decide whether other questions are shown (the targets of shows_if). */
export function showsIfSources(set: QuestionSet): Set<string> {
  let s = sources.get(set);
  if (!s)
    sources.set(
      set,
      (s = new Set(set.sections.flatMap((x) => x.questions.flatMap((q) => (q.shows_if ? [q.shows_if.question] : []))))),
    );
  return s;
}

/** Whether each conditional question (one with shows_if) is shown, by key, given the answers. */
export function shownMap(
  set: QuestionSet,
  answers: Readonly<Record<string, AnswerValue | undefined>>,
): Record<string, boolean> {
  return Object.fromEntries(
    set.sections.flatMap((s) => s.questions.filter((q) => q.shows_if).map((q) => [q.key, isShown(q, answers)])),
  );
}

const indexes = new WeakMap<QuestionSet, ReadonlyMap<string, { question: Question; role: Role }>>();

/** Index of questions by key for a set (built once per set; sets are immutable once loaded). */
export function questionIndex(set: QuestionSet): ReadonlyMap<string, { question: Question; role: Role }> {
  let m = indexes.get(set);
  if (!m)
    indexes.set(
      set,
      (m = new Map(
        set.sections.flatMap((s) => s.questions.map((q) => [q.key, { question: q, role: s.role }] as const)),
      )),
    );
  return m;
}
