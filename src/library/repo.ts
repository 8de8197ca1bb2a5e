import { nowIso, sql, type Db } from "../db/index.js";
import { contentHash, parseQuestionSet } from "../questions/loader.js";
import { getQuestionSet, listQuestionSets, storeQuestionSet } from "../questions/repo.js";
import { isDeepStrictEqual } from "node:util";
import type { RawSet } from "./raw.js";

/** A question set being edited: its content as its YAML file would hold it, kept even while it does not validate. */
export interface Draft {
  id: number;
  baseId: number | null;
  content: RawSet;
  /** What an import left for a person to decide, shown with the draft until it is published. */
  decisions: string[];
  revision: number;
  createdBy: number | null;
  updatedBy: number | null;
  createdAt: string;
  updatedAt: string;
}

type Row = Omit<Draft, "content" | "decisions"> & { content: string; decisions: string };
const columns =
  "id, base_id AS baseId, content, decisions, revision, created_by AS createdBy, updated_by AS updatedBy, created_at AS createdAt, updated_at AS updatedAt";
const parse = (r: Row): Draft => ({
  ...r,
  content: JSON.parse(r.content) as RawSet,
  decisions: JSON.parse(r.decisions) as string[],
});

export function createDraft(
  db: Db,
  content: RawSet,
  baseId: number | null,
  userId: number | null,
  decisions: readonly string[] = [],
): number {
  return Number(
    sql(
      db,
      "INSERT INTO question_set_drafts (base_id, content, decisions, created_by, updated_by) VALUES (?, ?, ?, ?, ?)",
    ).run(baseId, JSON.stringify(content), JSON.stringify(decisions), userId, userId).lastInsertRowid,
  );
}

export function findDraft(db: Db, id: number): Draft | undefined {
  const r = sql(db, `SELECT ${columns} FROM question_set_drafts WHERE id = ?`).get(id) as Row | undefined;
  return r && parse(r);
}

export function listDrafts(db: Db): Draft[] {
  return (sql(db, `SELECT ${columns} FROM question_set_drafts ORDER BY updated_at DESC`).all() as Row[]).map(parse);
}

/**
 * Writes a draft's content if the editor saw its latest revision; returns the new revision, or
 * null when someone else saved it meanwhile (nothing is written then).
 */
export function saveDraft(db: Db, id: number, content: RawSet, expected: number, userId: number | null): number | null {
  const r = sql(
    db,
    "UPDATE question_set_drafts SET content = ?, revision = revision + 1, updated_by = ?, updated_at = ? WHERE id = ? AND revision = ?",
  ).run(JSON.stringify(content), userId, nowIso(), id, expected);
  return r.changes ? expected + 1 : null;
}

export function deleteDraft(db: Db, id: number): void {
  sql(db, "DELETE FROM question_set_drafts WHERE id = ?").run(id);
}

export type PublishResult =
  { ok: true; id: number; created: boolean } | { ok: false; problems: { path: string; message: string }[] };

/**
 * Publishes YAML as a new immutable version of its set (the next version number of its key), or
 * finds the version that already holds this set: the same text, or other text (a file's comments
 * and layout) that loads to the same content. The text is what the loader reads: its SHA-256 is
 * the version's hash, and an export of it loads back as the same version.
 */
export function publishYaml(db: Db, yaml: string, sourceFile: string): PublishResult {
  let set;
  try {
    set = parseQuestionSet(yaml, sourceFile);
  } catch (err) {
    const problems = (err as { problems?: { path: string; message: string }[] }).problems;
    if (problems) return { ok: false, problems };
    throw err;
  }
  // Compared as stored (JSON): a stored version read back may carry fields set to undefined.
  const asStored = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
  const same = listQuestionSets(db).find(
    (v) => v.setKey === set.id && isDeepStrictEqual(asStored(getQuestionSet(db, v.id)), asStored(set)),
  );
  if (same) return { ok: true, id: same.id, created: false };
  return { ok: true, ...storeQuestionSet(db, { file: sourceFile, hash: contentHash(yaml), set, text: yaml }) };
}
