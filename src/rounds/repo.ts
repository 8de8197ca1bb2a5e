import { nowIso, sql, type Db } from "../db/index.js";
import type { ModelVendor } from "../model/index.js";

/** A revision round of one vendor (see db/migrations/010-revision-rounds.sql); round 1 is the first submission. */
export interface Round {
  id: number;
  evaluationId: number;
  vendorId: number;
  number: number;
  questionKeys: string[];
  /** The model's input for every vendor when the round was sent, and when the vendor resubmitted. */
  before: ModelVendor[];
  after: ModelVendor[] | null;
  status: "open" | "resubmitted";
  createdBy: string;
  createdAt: string;
  resubmittedAt: string | null;
}

type Row = Omit<Round, "questionKeys" | "before" | "after"> & {
  questionKeys: string;
  before: string;
  after: string | null;
};

const COLUMNS = `r.id, r.evaluation_id AS evaluationId, r.vendor_id AS vendorId, r.number, r.question_keys AS questionKeys,
  r.before, r.after, r.status, coalesce(u.name, 'Truecost (demo)') AS createdBy, r.created_at AS createdAt, r.resubmitted_at AS resubmittedAt`;

function toRound(r: Row): Round {
  return {
    ...r,
    questionKeys: JSON.parse(r.questionKeys) as string[],
    before: JSON.parse(r.before) as ModelVendor[],
    after: r.after === null ? null : (JSON.parse(r.after) as ModelVendor[]),
  };
}

/** The evaluation's rounds, oldest first. */
export function listRounds(db: Db, evaluationId: number): Round[] {
  const rows = sql(
    db,
    `SELECT ${COLUMNS} FROM revision_rounds r LEFT JOIN users u ON u.id = r.created_by WHERE r.evaluation_id = ? ORDER BY r.id`,
  ).all(evaluationId) as Row[];
  return rows.map(toRound);
}

export function findRound(db: Db, id: number): Round | undefined {
  const r = sql(
    db,
    `SELECT ${COLUMNS} FROM revision_rounds r LEFT JOIN users u ON u.id = r.created_by WHERE r.id = ?`,
  ).get(id) as Row | undefined;
  return r && toRound(r);
}

/** The vendor's open round: the questions its questionnaire is reopened for. */
export function openRoundOf(db: Db, vendorId: number): Pick<Round, "id" | "number" | "questionKeys"> | undefined {
  const r = sql(
    db,
    "SELECT id, number, question_keys AS questionKeys FROM revision_rounds WHERE vendor_id = ? AND status = 'open'",
  ).get(vendorId) as { id: number; number: number; questionKeys: string } | undefined;
  return r && { ...r, questionKeys: JSON.parse(r.questionKeys) as string[] };
}

/** Opens the vendor's next round (2 for the first revision) on `questionKeys`; returns its number. */
export function openRound(
  db: Db,
  r: { evaluationId: number; vendorId: number; questionKeys: string[]; before: ModelVendor[]; userId: number | null },
): number {
  const last = sql(db, "SELECT coalesce(max(number), 1) FROM revision_rounds WHERE vendor_id = ?")
    .pluck()
    .get(r.vendorId) as number;
  sql(
    db,
    "INSERT INTO revision_rounds (evaluation_id, vendor_id, number, question_keys, before, created_by) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(r.evaluationId, r.vendorId, last + 1, JSON.stringify(r.questionKeys), JSON.stringify(r.before), r.userId);
  return last + 1;
}

/** Closes the vendor's open round on resubmission with the input as it now stands; returns its id, or undefined when none was open. */
export function closeRound(db: Db, vendorId: number, after: ModelVendor[]): number | undefined {
  const open = openRoundOf(db, vendorId);
  if (!open) return undefined;
  sql(db, "UPDATE revision_rounds SET status = 'resubmitted', after = ?, resubmitted_at = ? WHERE id = ?").run(
    JSON.stringify(after),
    nowIso(),
    open.id,
  );
  return open.id;
}
