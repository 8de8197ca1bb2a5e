import { ROLE_LABELS, ROLES, type Role } from "../domain.js";
import { runModel, type CostLine } from "../model/index.js";
import type { AnswerValue } from "../questions/answers.js";
import { formatPath, QuestionSetSchema, type QuestionSet } from "../questions/schema.js";
import { defaultAssumptions, type RawQuestion, type RawSection, type RawSet } from "./raw.js";

/**
 * What the browser editor reads of a draft: its problems by place (the set, a section, a question,
 * an assumption), each with the path the loader's schema gives, and the cost lines a sample answer
 * to a valid draft causes, from the one cost model.
 */

export type Place =
  | { kind: "set" }
  | { kind: "section"; role: Role }
  | { kind: "question"; role: Role; n: number }
  | { kind: "assumption"; n: number };

export interface Issue {
  place: Place;
  /** The path inside the place (e.g. ["estimate", "share"]). */
  path: PropertyKey[];
  /** The whole path in the set, as the loader prints it. */
  at: string;
  message: string;
}

/** Checks a draft with the loader's own schema: the set when it validates, else every problem by place. */
export function checkDraft(raw: RawSet): { ok: true; set: QuestionSet } | { ok: false; issues: Issue[] } {
  const r = QuestionSetSchema.safeParse(raw);
  if (r.success) return { ok: true, set: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => {
      const [a, b, c, d, ...rest] = i.path;
      let place: Place = { kind: "set" };
      let path: PropertyKey[] = i.path;
      if (a === "sections" && typeof b === "number" && raw.sections[b]) {
        const role = raw.sections[b].role;
        if (c === "questions" && typeof d === "number") [place, path] = [{ kind: "question", role, n: d }, rest];
        else [place, path] = [{ kind: "section", role }, i.path.slice(2)];
      } else if (a === "assumptions" && typeof b === "number")
        [place, path] = [{ kind: "assumption", n: b }, i.path.slice(2)];
      return { place, path, at: formatPath(i.path), message: i.message };
    }),
  };
}

/** Where an issue's place is edited, and how to name it. */
export function placeLink(draftId: number, raw: RawSet, p: Place): { href: string; label: string } {
  const base = `/library/drafts/${draftId}`;
  switch (p.kind) {
    case "question": {
      const q = raw.sections.find((s) => s.role === p.role)?.questions[p.n];
      return {
        href: `${base}/questions/${p.role}/${p.n}`,
        label: `Question “${q?.key ?? p.n + 1}” (${ROLE_LABELS[p.role]})`,
      };
    }
    case "assumption":
      return { href: `${base}/assumptions/${p.n}`, label: `Assumption “${raw.assumptions[p.n]?.key ?? p.n + 1}”` };
    case "section":
      return { href: `${base}/sections/${p.role}`, label: `Section ${ROLE_LABELS[p.role]}` };
    default:
      return { href: `${base}#set`, label: "The set" };
  }
}

const samePlace = (a: Place, b: Place) => JSON.stringify(a) === JSON.stringify(b);

/** The issues of one place. */
export function issuesAt(issues: readonly Issue[], place: Place): Issue[] {
  return issues.filter((i) => samePlace(i.place, place));
}

/** A section for a role the draft has none for, with its default title and introduction. */
export function newSection(role: Role, questions: RawQuestion[]): RawSection {
  return {
    role,
    title: ROLE_LABELS[role],
    intro: `What the ${ROLE_LABELS[role]} member of the committee asks.`,
    questions,
  };
}

/** The sections with one more, in role order (the order sets keep). */
export function withSection(sections: readonly RawSection[], added: RawSection): RawSection[] {
  return [...sections, added].sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role));
}

/** A question to start from in a role's section, with a key no question of the draft has. */
export function newQuestion(raw: RawSet, role: Role): RawQuestion {
  const keys = new Set(raw.sections.flatMap((s) => s.questions.map((q) => q.key)));
  let key = `${role}_new_question`;
  for (let i = 2; keys.has(key); i++) key = `${role}_new_question_${i}`;
  return { key, type: "yes_no", text: "Write the question here" };
}

/** Whether a place is still in the draft (another editor may have removed it). */
export function placeExists(raw: RawSet, p: Place): boolean {
  switch (p.kind) {
    case "question":
      return (raw.sections.find((s) => s.role === p.role)?.questions.length ?? 0) > p.n;
    case "section":
      return raw.sections.some((s) => s.role === p.role);
    case "assumption":
      return raw.assumptions.length > p.n;
    default:
      return true;
  }
}

/** A new set: the default set's assumptions, one section and one question to start from. */
export function blankSet(): RawSet {
  return {
    id: "new_question_set",
    title: "New question set",
    description: "What this questionnaire asks vendors, and why.",
    assumptions: defaultAssumptions(),
    sections: [
      {
        role: "cto",
        title: ROLE_LABELS.cto,
        intro: "How the system is built, run and changed.",
        questions: [{ key: "cto_first_question", type: "yes_no", text: "Write the first question here" }],
      },
    ],
  };
}

/**
 * The cost lines a sample answer to a valid set causes, for one vendor answering every section at
 * the production tier (total null when a figure only the vendor can give is missing).
 */
export function sampleLines(
  set: QuestionSet,
  answers: Record<string, AnswerValue>,
  currency = "EUR",
): { lines: CostLine[]; total: number | null } {
  const result = runModel({
    set,
    evaluation: {
      tier: "production",
      horizonYears: 3,
      currency,
      dayRateMinor: 80_000,
      roles: set.sections.map((s) => s.role),
    },
    vendors: [{ id: "sample", name: "Sample answer", answers, status: "submitted" }],
    draws: 0,
    asks: false,
  });
  const v = result.vendors[0]!;
  return { lines: v.lines, total: v.adjustedTotal };
}
