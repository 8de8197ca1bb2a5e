import { saveAnswer } from "../answers/repo.js";
import { audit } from "../audit/repo.js";
import type { Db } from "../db/index.js";
import { insertEvaluation } from "../evaluations/repo.js";
import { assumptionProblem } from "../evaluations/schema.js";
import { answerSchema, questionIndex } from "../questions/answers.js";
import { findQuestionSetByVersion, getQuestionSet } from "../questions/repo.js";
import { formatPath, type QuestionSet } from "../questions/schema.js";
import { insertVendor } from "../vendors/repo.js";
import { refreshProgress } from "../vendors/service.js";
import { BundleSchema, type Bundle } from "./schema.js";
import { visit } from "jsonc-parser";

export interface BundleProblem {
  path: string;
  message: string;
}

/** A bundle that cannot be imported, with the JSON path and reason of every problem. */
export class BundleError extends Error {
  constructor(readonly problems: BundleProblem[]) {
    super(`The bundle cannot be imported:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`);
  }
}

/** Parses JSON text into a bundle checked against its question set; throws BundleError. */
export function parseBundle(db: Db, text: string): { bundle: Bundle; questionSetId: number; set: QuestionSet } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BundleError([{ path: "(file)", message: `not valid JSON: ${(err as Error).message}` }]);
  }
  const keyProblems = ambiguousKeys(text);
  if (keyProblems.length) throw new BundleError(keyProblems);
  const parsed = BundleSchema.safeParse(json);
  if (!parsed.success)
    throw new BundleError(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  const bundle = parsed.data;
  const row = findQuestionSetByVersion(db, bundle.questionSet.id, bundle.questionSet.version);
  if (!row)
    throw new BundleError([
      {
        path: "questionSet",
        message: `question set '${bundle.questionSet.id}' version ${bundle.questionSet.version} is not loaded (see truecost questions list)`,
      },
    ]);
  const set = getQuestionSet(db, row.id);
  const problems = checkAgainstSet(bundle, set);
  if (problems.length) throw new BundleError(problems);
  return { bundle, questionSetId: row.id, set };
}

/**
 * Keys JSON.parse would take silently but that make a bundle mean something else than it says: a
 * key twice in one object (the last would win) and "__proto__" (which objects may drop or treat as
 * their prototype). Found by reading the text itself, with the JSON path of each.
 */
function ambiguousKeys(text: string): BundleProblem[] {
  const problems: BundleProblem[] = [];
  const open: Set<string>[] = [];
  visit(
    text,
    {
      onObjectBegin: () => void open.push(new Set()),
      onObjectEnd: () => void open.pop(),
      onObjectProperty: (key, _offset, _length, _line, _char, pathSupplier) => {
        const path = formatPath([...pathSupplier(), key]);
        const seen = open.at(-1)!;
        if (key === "__proto__") problems.push({ path, message: '"__proto__" is not allowed as a key' });
        else if (seen.has(key)) problems.push({ path, message: "appears twice in the same object: keep one" });
        seen.add(key);
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return problems;
}

function checkAgainstSet(bundle: Bundle, set: QuestionSet): BundleProblem[] {
  const problems: BundleProblem[] = [];
  const sent = new Set<string>(bundle.evaluation.roles);
  const index = questionIndex(set);
  const known = new Map(set.assumptions.map((a) => [a.key, a]));
  for (const [key, value] of Object.entries(bundle.evaluation.assumptions)) {
    const a = known.get(key);
    const problem = a ? assumptionProblem(a, value) : `unknown assumption '${key}'`;
    if (problem) problems.push({ path: `evaluation.assumptions.${key}`, message: problem });
  }
  bundle.vendors.forEach((v, vi) => {
    for (const [field, key] of [
      ...Object.keys(v.notKnown).map((k) => ["notKnown", k]),
      ...Object.keys(v.notes).map((k) => ["notes", k]),
    ]) {
      const entry = index.get(key!);
      if (!entry) problems.push({ path: `vendors[${vi}].${field}.${key}`, message: `unknown question key '${key}'` });
      else if (!sent.has(entry.role))
        problems.push({
          path: `vendors[${vi}].${field}.${key}`,
          message: `is a question of the ${entry.role} section, which the evaluation does not send`,
        });
    }
    for (const [key, value] of Object.entries(v.answers)) {
      const path = `vendors[${vi}].answers.${key}`;
      const entry = index.get(key);
      if (!entry) {
        problems.push({ path, message: `unknown question key '${key}'` });
        continue;
      }
      if (!sent.has(entry.role)) {
        problems.push({
          path,
          message: `answers a question of the ${entry.role} section, which the evaluation does not send (roles: ${bundle.evaluation.roles.join(", ")})`,
        });
        continue;
      }
      const r = answerSchema(entry.question).safeParse(value);
      if (!r.success)
        for (const i of r.error.issues)
          problems.push({
            path: path + (i.path.length ? "." + formatPath(i.path) : ""),
            message: `${i.message} (a ${entry.question.type} answer)`,
          });
    }
    v.clarifications.forEach((c, ci) => {
      const entry = index.get(c.questionKey);
      const path = `vendors[${vi}].clarifications[${ci}].questionKey`;
      if (!entry) problems.push({ path, message: `unknown question key '${c.questionKey}'` });
      else if (!sent.has(entry.role))
        problems.push({
          path,
          message: `is a question of the ${entry.role} section, which the evaluation does not send`,
        });
    });
  });
  return problems;
}

/** Validates and writes a bundle in one transaction, all or nothing; returns the new evaluation id. */
export function importBundle(db: Db, text: string, actor: string): number {
  const { bundle, questionSetId, set } = parseBundle(db, text);
  const index = questionIndex(set);
  return db
    .transaction(() => {
      const e = bundle.evaluation;
      const evaluationId = insertEvaluation(db, { ...e, questionSetId, createdBy: null });
      for (const v of bundle.vendors) {
        const vendorId = insertVendor(db, { evaluationId, ...v });
        // One write per question: its answer or its "not known yet" reason, with its note.
        const keys = new Set([...Object.keys(v.answers), ...Object.keys(v.notKnown), ...Object.keys(v.notes)]);
        for (const key of [...keys].sort())
          saveAnswer(db, {
            vendorId,
            questionKey: key,
            value: key in v.answers ? answerSchema(index.get(key)!.question).parse(v.answers[key]) : null,
            notKnown: v.notKnown[key] ?? null,
            note: v.notes[key] ?? null,
            expectedRevision: 0,
            actor: `import:${actor}`,
          });
        for (const c of v.clarifications) insertClarification(db, vendorId, c);
        refreshProgress(db, vendorId);
      }
      audit(db, evaluationId, actor, "evaluation.imported", { title: e.title, vendors: bundle.vendors.length });
      return evaluationId;
    })
    .immediate();
}

function insertClarification(db: Db, vendorId: number, c: Bundle["vendors"][number]["clarifications"][number]): void {
  const first = c.messages[0]!.createdAt;
  const last = c.messages[c.messages.length - 1]!.createdAt;
  const id = Number(
    db
      .prepare(
        "INSERT INTO clarifications (vendor_id, question_key, visibility, status, created_at, resolved_at) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(vendorId, c.questionKey, c.visibility, c.status, first, c.status === "resolved" ? last : null)
      .lastInsertRowid,
  );
  const insert = db.prepare(
    "INSERT INTO clarification_messages (clarification_id, author_kind, author_name, body, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  for (const m of c.messages) insert.run(id, m.author, m.authorName, m.body, m.createdAt);
}
