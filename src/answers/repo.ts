import { nowIso, sql, transaction, type Db } from "../db/index.js";
import type { AnswerValue } from "../questions/answers.js";

export interface StoredAnswer {
  questionKey: string;
  value: AnswerValue | null;
  /** Why the vendor does not know the answer yet, when it said so (the value is then null: priced as silence). */
  notKnown: string | null;
  /** The vendor's note for the buyer on this answer: context that never changes what the model reads. */
  note: string | null;
  revision: number;
  updatedBy: string;
  updatedAt: string;
  /** The evaluation this answer was carried over from, until the vendor confirms or changes it. */
  carriedFrom: string | null;
}

type Row = Omit<StoredAnswer, "value"> & { value: string | null };
const columns =
  "question_key AS questionKey, value, not_known AS notKnown, note, revision, updated_by AS updatedBy, updated_at AS updatedAt, carried_from AS carriedFrom";
const parse = (r: Row): StoredAnswer => ({
  ...r,
  value: r.value === null ? null : (JSON.parse(r.value) as AnswerValue),
});

/** A vendor's answers by question key, with their revisions. */
export function listAnswers(db: Db, vendorId: number): Map<string, StoredAnswer> {
  const rows = sql(db, `SELECT ${columns} FROM answers WHERE vendor_id = ?`).all(vendorId) as Row[];
  return new Map(rows.map((r) => [r.questionKey, parse(r)]));
}

/** The query text of `answersOf` by number of keys. */
const inList: string[] = [];

/**
 * The stored values and revisions of some of a vendor's questions, by key (cleared answers have
 * value null). Cheaper than every answer with its authorship when a page shows one section.
 */
export function answersOf(db: Db, vendorId: number, keys: readonly string[]): Map<string, SectionAnswer> {
  const out = new Map<string, SectionAnswer>();
  if (!keys.length) return out;
  let text = inList[keys.length];
  if (!text)
    inList[keys.length] =
      text = `SELECT question_key, value, not_known, note, revision, carried_from FROM answers WHERE vendor_id = ? AND question_key IN (${keys.map(() => "?").join(", ")})`;
  const rows = sql(db, text)
    .raw(true)
    .all(vendorId, ...keys) as [string, string | null, string | null, string | null, number, string | null][];
  for (const [key, value, notKnown, note, revision, carriedFrom] of rows)
    out.set(key, {
      value: value === null ? null : (JSON.parse(value) as AnswerValue),
      notKnown,
      note,
      revision,
      carriedFrom,
    });
  return out;
}

/** What a section page needs of a stored answer. */
export type SectionAnswer = Pick<StoredAnswer, "value" | "notKnown" | "note" | "revision" | "carriedFrom">;

/** The values of stored answers by key, leaving out cleared ones. */
export function valuesOf(stored: ReadonlyMap<string, { value: AnswerValue | null }>): Record<string, AnswerValue> {
  const out: Record<string, AnswerValue> = {};
  for (const [key, a] of stored) if (a.value !== null) out[key] = a.value;
  return out;
}

/** The reasons given for answers not known yet, by key. */
export function notKnownOf(stored: ReadonlyMap<string, { notKnown: string | null }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, a] of stored) if (a.notKnown !== null) out[key] = a.notKnown;
  return out;
}

/** The vendors' notes on their answers, by key. */
export function notesOf(stored: ReadonlyMap<string, { note: string | null }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, a] of stored) if (a.note !== null) out[key] = a.note;
  return out;
}

/** Answer values of every vendor of an evaluation, for the cost model; cleared answers are left out. */
export function answersByVendor(db: Db, evaluationId: number): Map<number, Record<string, AnswerValue>> {
  const out = new Map<number, Record<string, AnswerValue>>();
  const rows = sql(
    db,
    `SELECT a.vendor_id AS vendorId, a.question_key AS questionKey, a.value FROM answers a JOIN vendors v ON v.id = a.vendor_id
      WHERE v.evaluation_id = ? AND a.value IS NOT NULL`,
  ).all(evaluationId) as { vendorId: number; questionKey: string; value: string }[];
  for (const r of rows) {
    const m = out.get(r.vendorId) ?? {};
    m[r.questionKey] = JSON.parse(r.value) as AnswerValue;
    out.set(r.vendorId, m);
  }
  return out;
}

/** A text column of every vendor's answers in an evaluation, where it is set: by vendor id as a string, then by key. */
function columnByVendor(
  db: Db,
  evaluationId: number,
  column: "note" | "not_known",
): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const rows = sql(
    db,
    `SELECT a.vendor_id, a.question_key, a.${column} FROM answers a JOIN vendors v ON v.id = a.vendor_id
      WHERE v.evaluation_id = ? AND a.${column} IS NOT NULL ORDER BY a.question_key`,
  )
    .raw(true)
    .all(evaluationId) as [number, string, string][];
  for (const [vendorId, key, text] of rows) {
    const m = out.get(String(vendorId)) ?? {};
    m[key] = text;
    out.set(String(vendorId), m);
  }
  return out;
}

/** The vendors' notes on their answers in an evaluation, by vendor id as a string, then by key. */
export function notesByVendor(db: Db, evaluationId: number): Map<string, Record<string, string>> {
  return columnByVendor(db, evaluationId, "note");
}

/** The reasons of answers marked "not known yet" of every vendor of an evaluation, by vendor id as a string. */
export function notKnownByVendor(db: Db, evaluationId: number): Map<string, Record<string, string>> {
  return columnByVendor(db, evaluationId, "not_known");
}

export type SaveResult =
  | {
      ok: true;
      revision: number;
      changed: boolean;
      /** Whether the question had a (non-cleared) answer before. */ wasAnswered: boolean;
      /** Whether it was marked not known yet before. */ wasNotKnown: boolean;
    }
  | { ok: false; current: StoredAnswer };

export interface AnswerWrite {
  vendorId: number;
  questionKey: string;
  value: AnswerValue | null;
  /** The reason the answer is not known yet (the value must then be null); null or left out otherwise. */
  notKnown?: string | null;
  /** The vendor's note on the answer; left out, the stored note stays as it is. */
  note?: string | null;
  expectedRevision: number;
  actor: string;
}

/**
 * Writes an answer if the caller saw the latest revision (0 = no answer yet); otherwise returns the
 * current answer so the caller can show both values. Every change is appended to the history.
 */
export function saveAnswer(db: Db, a: AnswerWrite): SaveResult {
  return transaction(db, writeAnswer)(db, a);
}

/** `saveAnswer` for a caller already inside a transaction (whose rollback undoes the write). */
export function writeAnswer(db: Db, a: AnswerWrite): SaveResult {
  const cur = sql(db, `SELECT ${columns} FROM answers WHERE vendor_id = ? AND question_key = ?`).get(
    a.vendorId,
    a.questionKey,
  ) as Row | undefined;
  const currentRevision = cur?.revision ?? 0;
  const json = a.value === null ? null : JSON.stringify(a.value);
  const notKnown = a.value === null ? (a.notKnown ?? null) : null;
  const wasAnswered = cur !== undefined && cur.value !== null;
  const wasNotKnown = cur !== undefined && cur.notKnown !== null;
  const note = a.note === undefined ? (cur?.note ?? null) : a.note;
  if (cur && cur.value === json && cur.notKnown === notKnown && cur.note === note)
    return { ok: true, revision: currentRevision, changed: false, wasAnswered, wasNotKnown };
  if (currentRevision !== a.expectedRevision)
    return {
      ok: false,
      current: cur
        ? parse(cur)
        : {
            questionKey: a.questionKey,
            value: null,
            notKnown: null,
            note: null,
            revision: 0,
            updatedBy: "",
            updatedAt: "",
            carriedFrom: null,
          },
    };
  const revision = currentRevision + 1;
  const now = nowIso();
  if (cur)
    sql(
      db,
      "UPDATE answers SET value = ?, not_known = ?, note = ?, revision = ?, updated_by = ?, updated_at = ?, carried_from = NULL WHERE vendor_id = ? AND question_key = ?",
    ).run(json, notKnown, note, revision, a.actor, now, a.vendorId, a.questionKey);
  else
    sql(
      db,
      "INSERT INTO answers (vendor_id, question_key, value, not_known, note, revision, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ).run(a.vendorId, a.questionKey, json, notKnown, note, revision, a.actor, now);
  sql(
    db,
    "INSERT INTO answer_history (vendor_id, question_key, revision, value, not_known, note, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(a.vendorId, a.questionKey, revision, json, notKnown, note, a.actor, now);
  return { ok: true, revision, changed: true, wasAnswered, wasNotKnown };
}

export interface HistoryEntry {
  questionKey: string;
  revision: number;
  value: AnswerValue | null;
  notKnown: string | null;
  note: string | null;
  changedBy: string;
  changedAt: string;
}

/** The newest changes of each of a vendor's answers (at most `perQuestion` each, newest first) and how many each has in all. */
export function recentHistory(
  db: Db,
  vendorId: number,
  perQuestion: number,
): { entries: HistoryEntry[]; counts: Map<string, number> } {
  const rows = sql(
    db,
    `SELECT questionKey, revision, value, notKnown, note, changedBy, changedAt, total FROM (
      SELECT question_key AS questionKey, revision, value, not_known AS notKnown, note, changed_by AS changedBy, changed_at AS changedAt,
        row_number() OVER (PARTITION BY question_key ORDER BY revision DESC) AS n, count(*) OVER (PARTITION BY question_key) AS total
      FROM answer_history WHERE vendor_id = ?) WHERE n <= ? ORDER BY questionKey, revision DESC`,
  ).all(vendorId, perQuestion) as (Omit<HistoryEntry, "value"> & { value: string | null; total: number })[];
  const counts = new Map(rows.map((r) => [r.questionKey, r.total]));
  return {
    entries: rows.map(({ total: _t, ...r }) => ({
      ...r,
      value: r.value === null ? null : (JSON.parse(r.value) as AnswerValue),
    })),
    counts,
  };
}

/** One page of a question's changes, newest first, and how many there are in all. */
export function historyPage(
  db: Db,
  vendorId: number,
  questionKey: string,
  page: number,
  size: number,
): { entries: HistoryEntry[]; total: number } {
  const total = sql(db, "SELECT count(*) FROM answer_history WHERE vendor_id = ? AND question_key = ?")
    .pluck()
    .get(vendorId, questionKey) as number;
  const rows = sql(
    db,
    `SELECT question_key AS questionKey, revision, value, not_known AS notKnown, note, changed_by AS changedBy, changed_at AS changedAt FROM answer_history
      WHERE vendor_id = ? AND question_key = ? ORDER BY revision DESC LIMIT ? OFFSET ?`,
  ).all(vendorId, questionKey, size, page * size) as (Omit<HistoryEntry, "value"> & { value: string | null })[];
  return {
    entries: rows.map((r) => ({ ...r, value: r.value === null ? null : (JSON.parse(r.value) as AnswerValue) })),
    total,
  };
}

/** Every change of a vendor's answers, newest first. */
export function answerHistory(db: Db, vendorId: number, questionKey?: string): HistoryEntry[] {
  const rows = sql(
    db,
    `SELECT question_key AS questionKey, revision, value, not_known AS notKnown, note, changed_by AS changedBy, changed_at AS changedAt FROM answer_history
      WHERE vendor_id = ? ${questionKey ? "AND question_key = ?" : ""} ORDER BY changed_at DESC, revision DESC`,
  ).all(...(questionKey ? [vendorId, questionKey] : [vendorId])) as (Omit<HistoryEntry, "value"> & {
    value: string | null;
  })[];
  return rows.map((r) => ({ ...r, value: r.value === null ? null : (JSON.parse(r.value) as AnswerValue) }));
}

/** Marks answers just written as carried over from `from` (see vendors/carry-over.ts). */
export function markCarried(db: Db, vendorId: number, keys: readonly string[], from: string): void {
  const mark = sql(db, "UPDATE answers SET carried_from = ? WHERE vendor_id = ? AND question_key = ?");
  for (const k of keys) mark.run(from, vendorId, k);
}

/** The vendor confirms a carried-over answer as its answer here; true when there was one to confirm. */
export function confirmCarried(db: Db, vendorId: number, key: string): boolean {
  return (
    sql(
      db,
      "UPDATE answers SET carried_from = NULL WHERE vendor_id = ? AND question_key = ? AND carried_from IS NOT NULL",
    ).run(vendorId, key).changes > 0
  );
}

/** The keys of a vendor's answers still marked carried over. */
export function carriedKeys(db: Db, vendorId: number): string[] {
  return sql(
    db,
    "SELECT question_key FROM answers WHERE vendor_id = ? AND carried_from IS NOT NULL ORDER BY question_key",
  )
    .pluck()
    .all(vendorId) as string[];
}
