import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { QUESTIONS_DIR } from "../paths.js";
import type { Role } from "../domain.js";
import type { QuestionSet } from "../questions/schema.js";

/**
 * A question set as its YAML file holds it: only the fields given, defaults left to the loader.
 * The editor keeps drafts in this shape, so that what is typed is kept even while it does not
 * validate, and publishing writes exactly this as YAML.
 */
export type RawQuestion = Record<string, unknown> & { key: string; type: string; text: string };
export interface RawSection {
  role: Role;
  title: string;
  intro: string;
  questions: RawQuestion[];
}
export type RawAssumption = Record<string, unknown> & { key: string };
export interface RawSet {
  id: string;
  title: string;
  description: string;
  frameworks?: { key: string; title: string; items: { id: string; label?: string }[] }[];
  assumptions: RawAssumption[];
  sections: RawSection[];
}

/** The default set's assumptions, as its file writes them: every draft starts with them. */
export function defaultAssumptions(): RawAssumption[] {
  const raw = parse(readFileSync(join(QUESTIONS_DIR, "ai-production.yaml"), "utf8")) as {
    assumptions: RawAssumption[];
  };
  return raw.assumptions;
}

/** The schema's defaults, left out of a raw set (the loader fills them in again). */
const QUESTION_DEFAULTS: Record<string, unknown> = {
  required: true,
  evidence: false,
  allow_na: false,
  control: false,
  headline: true,
};

function compactQuestion(q: Record<string, unknown>): RawQuestion {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || QUESTION_DEFAULTS[k] === v) continue;
    if (k === "flags" && Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as RawQuestion;
}

/** A stored version as a raw set: what a draft started from it holds. */
export function rawOf(set: QuestionSet): RawSet {
  return {
    id: set.id,
    title: set.title,
    description: set.description,
    ...(set.frameworks?.length
      ? {
          frameworks: set.frameworks.map((f) => ({
            ...f,
            items: f.items.map((i) => (i.label ? i : { id: i.id })),
          })),
        }
      : {}),
    assumptions: set.assumptions.map(({ kind, ...a }) => ({ ...a, ...(kind === "cost" ? {} : { kind }) })),
    sections: set.sections.map((s) => ({ ...s, questions: s.questions.map(compactQuestion) })),
  };
}

/** The YAML a raw set publishes as: a header, then the set in field order. */
export function setYaml(raw: RawSet, header: string): string {
  const body = stringify(
    { ...raw, sections: raw.sections.map((s) => ({ ...s, questions: s.questions.map(compactQuestion) })) },
    { lineWidth: 110 },
  );
  return `# ${header}\n${body}`;
}
