import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseDocument } from "yaml";
import { formatPath, QuestionSetSchema, type Question, type QuestionSet } from "./schema.js";

export interface Problem {
  path: string;
  message: string;
}

/** A question-set file that cannot be used, with every problem found in it. */
export class QuestionSetError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Problem[],
  ) {
    super(`${file} is not a valid question set:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join("\n")}`);
  }
}

export interface LoadedQuestionSet {
  file: string;
  hash: string;
  set: QuestionSet;
  /** The YAML the set was read from: its hash is the version's. */
  text: string;
}

/** YAML text as data, or its problems by line: duplicate keys refused, aliases bounded. */
export function readYaml(text: string): { ok: true; data: unknown } | { ok: false; problems: Problem[] } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0)
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}` : "(yaml)",
        message: e.message.split("\n")[0] ?? e.code,
      })),
    };
  try {
    return { ok: true, data: doc.toJS({ maxAliasCount: 50 }) };
  } catch (err) {
    // Unresolved or excessive aliases surface only when the document is converted.
    return {
      ok: false,
      problems: [{ path: "(yaml)", message: (err as Error).message.split("\n")[0] ?? "unreadable YAML" }],
    };
  }
}

/** Parses and validates question-set YAML text; throws QuestionSetError naming the file, path and reason. */
export function parseQuestionSet(text: string, file: string): QuestionSet {
  const read = readYaml(text);
  if (!read.ok) throw new QuestionSetError(file, read.problems);
  const data = read.data;
  const parsed = QuestionSetSchema.safeParse(data);
  if (!parsed.success) {
    throw new QuestionSetError(
      file,
      parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  return parsed.data;
}

/** Hash that versions a question set: the SHA-256 of the file's bytes. */
export function contentHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Loads one question-set file. */
export function loadQuestionSetFile(file: string): LoadedQuestionSet {
  const text = readFileSync(file, "utf8");
  return { file: basename(file), hash: contentHash(text), set: parseQuestionSet(text, basename(file)), text };
}

/** The YAML files in a questions folder, sorted. */
export function questionSetFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Every question of a set in section order. */
export function allQuestions(set: QuestionSet): Question[] {
  return set.sections.flatMap((s) => s.questions);
}

/** Counts for the validate summary: questions per role, layer and phase, and the assumptions used. */
export function summarise(set: QuestionSet) {
  const qs = allQuestions(set);
  const count = (pick: (q: Question) => string | undefined) => {
    const out: Record<string, number> = {};
    for (const q of qs) {
      const k = pick(q);
      if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
  const used = new Set<string>();
  for (const q of qs) for (const ref of [q.estimate?.share, q.estimate?.days]) if (ref) used.add(ref);
  return {
    questions: qs.length,
    byRole: count((q) => set.sections.find((s) => s.questions.includes(q))?.role),
    byLayer: count((q) => q.layer),
    byPhase: count((q) => q.phase),
    byType: count((q) => q.type),
    assumptionsUsed: set.assumptions.map((a) => a.key).filter((k) => used.has(k)),
    assumptionsModel: set.assumptions.map((a) => a.key).filter((k) => !used.has(k)),
  };
}
