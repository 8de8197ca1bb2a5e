import { parseQuestionSet } from "../questions/loader.js";
import type { QuestionSet } from "../questions/schema.js";
import { draftSet, draftYaml, mappingProblems, validateDraft, type MappingFile, type Refusal } from "./draft.js";
import { importCiso } from "./import-ciso.js";
import { columnOf, csvRows, importRows, xlsxRows } from "./import-table.js";

export const IMPORT_FORMATS = ["ciso", "csv", "xlsx"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  /** Placement of a CISO Assistant library's requirements (role section, type, layer). */
  mapping?: MappingFile;
  /** The set's id, when the source's is not wanted. */
  id?: string;
  title?: string;
  /** The file's name, for the sections' introductions. */
  source: string;
}

export type QuestionSetImport =
  { ok: true; yaml: string; set: QuestionSet; decisions: string[] } | { ok: false; refusals: Refusal[] };

/**
 * Imports a question set from a CISO Assistant library, a CSV file or a workbook: a draft set whose
 * YAML the loader accepts, and what needs a decision before it is used; or every refusal, each
 * named by row and column (tables) or by path (libraries).
 */
export async function importQuestionSet(
  file: Buffer,
  format: ImportFormat,
  opts: ImportOptions,
): Promise<QuestionSetImport> {
  if (opts.mapping) {
    const bad = mappingProblems(opts.mapping);
    if (bad.length) return { ok: false, refusals: bad.map((m) => ({ at: "mapping", message: m })) };
  }
  let draft: Record<string, unknown>;
  let decisions: string[] = [];
  let early: Refusal[] = [];
  let locate: (role: string, index: number, field: string) => string | undefined = () => undefined;
  if (format === "ciso") {
    const r = importCiso(file.toString("utf8"), opts.mapping);
    if (!r.ok) return r;
    const x = r.imported;
    decisions = x.decisions;
    draft = draftSet({
      id: opts.id ?? x.id,
      title: opts.title ?? x.title,
      description: x.description,
      frameworks: x.frameworks,
      items: x.items,
      source: opts.source,
    });
    const sources = new Map<string, string>();
    const perRole = new Map<string, number>();
    for (const i of x.items) {
      const n = perRole.get(i.role) ?? 0;
      perRole.set(i.role, n + 1);
      sources.set(`${i.role}:${n}`, i.source);
    }
    locate = (role, index, field) => {
      const s = sources.get(`${role}:${index}`);
      return s ? `requirement ${s}${field ? `, ${field}` : ""}` : undefined;
    };
  } else {
    const rows = format === "csv" ? csvRows(file.toString("utf8")) : await xlsxRows(file);
    if (!rows.ok) return rows;
    const t = importRows(rows.rows);
    if (!t.ok) return t;
    early = t.table.refusals;
    if (!t.table.items.length) return { ok: false, refusals: early };
    const id =
      opts.id ??
      (opts.source
        .replace(/\.[^.]+$/, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "_")
        .replace(/^[^a-z]+|_+$/g, "") ||
        "imported_set");
    draft = draftSet({
      id,
      title: opts.title ?? `Imported from ${opts.source}`,
      description: `Questions imported from ${opts.source}; review their sections, types and cost rules.`,
      items: t.table.items,
      source: opts.source,
    });
    locate = (role, index, field) => {
      const n = t.table.rows.get(`${role}:${index}`);
      if (n === undefined) return undefined;
      const c = columnOf(field);
      return c ? `row ${n}, column ${c}` : `row ${n}`;
    };
  }
  const checked = validateDraft(draft, locate as never);
  if (!checked.ok || early.length) {
    const all = [...early, ...(checked.ok ? [] : checked.refusals)];
    const row = (r: Refusal) => Number(/^row (\d+)/.exec(r.at)?.[1] ?? 1e9);
    return { ok: false, refusals: all.sort((a, b) => row(a) - row(b)) };
  }
  const yaml = draftYaml(draft, [
    `Imported by truecost questions import from ${opts.source} (${format}).`,
    "A draft: check each question's section, type and cost rule before evaluations use it.",
  ]);
  // What is written is what the loader reads: read back, the YAML gives the set that was checked.
  const set = parseQuestionSet(yaml, opts.source);
  return { ok: true, yaml, set, decisions };
}
