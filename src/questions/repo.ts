import { sql, type Db } from "../db/index.js";
import { QUESTIONS_DIR } from "../paths.js";
import { loadQuestionSetFile, QuestionSetError, questionSetFiles, type LoadedQuestionSet } from "./loader.js";
import { QuestionSetSchema, type QuestionSet } from "./schema.js";
import { upgradeStoredSet } from "./upgrade.js";

export interface QuestionSetRow {
  id: number;
  setKey: string;
  version: number;
  contentHash: string;
  title: string;
  sourceFile: string;
  loadedAt: string;
}

const cache = new Map<string, QuestionSet>();

/**
 * Stores a loaded set as a new version unless that exact content is already stored; returns its row
 * id. The YAML is kept with it, so that an export loads back as the same version.
 */
export function storeQuestionSet(db: Db, loaded: LoadedQuestionSet): { id: number; created: boolean } {
  const existing = db.prepare("SELECT id FROM question_sets WHERE content_hash = ?").pluck().get(loaded.hash) as
    number | undefined;
  if (existing !== undefined) {
    sql(db, "UPDATE question_sets SET source_text = ? WHERE id = ? AND source_text IS NULL").run(loaded.text, existing);
    return { id: existing, created: false };
  }
  return db.transaction(() => {
    const version =
      ((db.prepare("SELECT max(version) FROM question_sets WHERE set_key = ?").pluck().get(loaded.set.id) as
        number | null) ?? 0) + 1;
    const id = Number(
      db
        .prepare(
          "INSERT INTO question_sets (set_key, version, content_hash, title, source_file, content, source_text) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .run(
          loaded.set.id,
          version,
          loaded.hash,
          loaded.set.title,
          loaded.file,
          JSON.stringify(loaded.set),
          loaded.text,
        ).lastInsertRowid,
    );
    const insert = db.prepare(
      "INSERT INTO questions (question_set_id, key, role, position, type, layer, phase, required, definition) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    let position = 0;
    for (const section of loaded.set.sections)
      for (const q of section.questions)
        insert.run(
          id,
          q.key,
          section.role,
          position++,
          q.type,
          q.layer ?? null,
          q.phase ?? null,
          q.required ? 1 : 0,
          JSON.stringify(q),
        );
    return { id, created: true };
  })();
}

export interface SyncResult {
  stored: { file: string; id: number; created: boolean }[];
  refused: QuestionSetError[];
}

/** Loads every file under questions/ into the database; a bad file is refused and reported, the others still load. */
export function syncQuestionSets(db: Db, dir: string = QUESTIONS_DIR): SyncResult {
  const result: SyncResult = { stored: [], refused: [] };
  for (const file of questionSetFiles(dir)) {
    try {
      const loaded = loadQuestionSetFile(file);
      result.stored.push({ file: loaded.file, ...storeQuestionSet(db, loaded) });
    } catch (err) {
      if (err instanceof QuestionSetError) result.refused.push(err);
      else throw err;
    }
  }
  return result;
}

const rowColumns = `id, set_key AS setKey, version, content_hash AS contentHash, title, source_file AS sourceFile, loaded_at AS loadedAt`;

/** Every stored version, newest first within each set. */
export function listQuestionSets(db: Db): QuestionSetRow[] {
  return db.prepare(`SELECT ${rowColumns} FROM question_sets ORDER BY set_key, version DESC`).all() as QuestionSetRow[];
}

/** The newest version of each set, for choosing a set when creating an evaluation. */
export function latestQuestionSets(db: Db): QuestionSetRow[] {
  return db
    .prepare(
      `SELECT ${rowColumns} FROM question_sets q WHERE version = (SELECT max(version) FROM question_sets WHERE set_key = q.set_key) ORDER BY title`,
    )
    .all() as QuestionSetRow[];
}

export function findQuestionSetRow(db: Db, id: number): QuestionSetRow | undefined {
  return db.prepare(`SELECT ${rowColumns} FROM question_sets WHERE id = ?`).get(id) as QuestionSetRow | undefined;
}

export function findQuestionSetByVersion(db: Db, setKey: string, version: number): QuestionSetRow | undefined {
  return db
    .prepare(`SELECT ${rowColumns} FROM question_sets WHERE set_key = ? AND version = ?`)
    .get(setKey, version) as QuestionSetRow | undefined;
}

/** The YAML a stored version was read from (null for a version stored before it was kept). */
export function questionSetSource(db: Db, id: number): string | null {
  return (sql(db, "SELECT source_text FROM question_sets WHERE id = ?").pluck().get(id) as string | null) ?? null;
}

/** The frozen content of a stored version; versions never change, so they are cached by hash (and the hash by row). */
export function getQuestionSet(db: Db, id: number): QuestionSet {
  const hash = sql(db, "SELECT content_hash FROM question_sets WHERE id = ?").pluck().get(id) as string | undefined;
  if (hash === undefined) throw new Error(`question set ${id} not found`);
  return questionSetByHash(db, id, hash);
}

/** The content of stored version `id` whose hash the caller already read (e.g. in a join). */
function questionSetByHash(db: Db, id: number, hash: string): QuestionSet {
  let set = cache.get(hash);
  if (!set) {
    const content = sql(db, "SELECT content FROM question_sets WHERE id = ?").pluck().get(id) as string;
    set = QuestionSetSchema.parse(upgradeStoredSet(JSON.parse(content)));
    cache.set(hash, set);
  }
  return set;
}
