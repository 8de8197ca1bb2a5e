import type { QuestionSet } from "../questions/schema.js";
import { rawOf } from "./raw.js";

/** What changed between two versions of a question set, field by field, in the newer one's order. */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export interface ItemDiff {
  key: string;
  label: string;
  changes: FieldChange[];
}

export interface SetDiff {
  set: FieldChange[];
  questions: { added: ItemDiff[]; removed: ItemDiff[]; changed: ItemDiff[]; moved: ItemDiff[] };
  assumptions: { added: ItemDiff[]; removed: ItemDiff[]; changed: ItemDiff[] };
  sections: FieldChange[];
  /** Nothing differs but the order of questions within a section. */
  same: boolean;
}

const text = (v: unknown): string =>
  v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v).replace(/"([^"]+)":/g, "$1: ");

function fieldChanges(a: Record<string, unknown>, b: Record<string, unknown>, skip: string[] = []): FieldChange[] {
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((f) => !skip.includes(f));
  return fields
    .filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]))
    .map((f) => ({ field: f, before: text(a[f]), after: text(b[f]) }));
}

/** The difference from `older` to `newer`, on the sets as their YAML writes them (defaults left out). */
export function diffSets(older: QuestionSet, newer: QuestionSet): SetDiff {
  const a = rawOf(older);
  const b = rawOf(newer);
  const set = fieldChanges(
    { id: a.id, title: a.title, description: a.description, frameworks: a.frameworks },
    { id: b.id, title: b.title, description: b.description, frameworks: b.frameworks },
  );
  const questionsOf = (s: typeof a) =>
    new Map(s.sections.flatMap((sec) => sec.questions.map((q, i) => [q.key, { q, role: sec.role, i }] as const)));
  const qa = questionsOf(a);
  const qb = questionsOf(b);
  const item = (key: string, label: string, changes: FieldChange[] = []) => ({ key, label, changes });
  const questions: SetDiff["questions"] = { added: [], removed: [], changed: [], moved: [] };
  for (const [key, x] of qb) {
    const old = qa.get(key);
    if (!old) questions.added.push(item(key, x.q.text));
    else {
      const changes = fieldChanges(old.q, x.q);
      if (old.role !== x.role) changes.unshift({ field: "section", before: old.role, after: x.role });
      if (changes.length) questions.changed.push(item(key, x.q.text, changes));
      else if (old.i !== x.i) questions.moved.push(item(key, x.q.text));
    }
  }
  for (const [key, x] of qa) if (!qb.has(key)) questions.removed.push(item(key, x.q.text));
  const aa = new Map(a.assumptions.map((x) => [x.key, x]));
  const ab = new Map(b.assumptions.map((x) => [x.key, x]));
  const assumptions: SetDiff["assumptions"] = { added: [], removed: [], changed: [] };
  for (const [key, x] of ab) {
    const old = aa.get(key);
    if (!old) assumptions.added.push(item(key, String(x.label)));
    else {
      const changes = fieldChanges(old, x);
      if (changes.length) assumptions.changed.push(item(key, String(x.label), changes));
    }
  }
  for (const [key, x] of aa) if (!ab.has(key)) assumptions.removed.push(item(key, String(x.label)));
  const sections: FieldChange[] = [];
  for (const s of b.sections) {
    const old = a.sections.find((x) => x.role === s.role);
    if (!old) sections.push({ field: s.role, before: "—", after: `added: ${s.title}` });
    else
      for (const c of fieldChanges(old as never, s as never, ["questions", "role"]))
        sections.push({ ...c, field: `${s.role} ${c.field}` });
  }
  for (const s of a.sections)
    if (!b.sections.some((x) => x.role === s.role)) sections.push({ field: s.role, before: s.title, after: "removed" });
  const same =
    !set.length &&
    !sections.length &&
    !questions.added.length &&
    !questions.removed.length &&
    !questions.changed.length &&
    !assumptions.added.length &&
    !assumptions.removed.length &&
    !assumptions.changed.length;
  return { set, questions, assumptions, sections, same };
}
