import { nowIso, sql, type Db } from "../db/index.js";
import type { Phase, Role, Tier } from "../domain.js";

export const EVALUATION_STATUSES = ["draft", "open", "closed", "decided"] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

export interface EvaluationSettings {
  sensitivityRange?: number;
  unevidencedIncludedAsPartial?: boolean;
  /** Rank vendors that have not submitted yet as well (shown, marked); by default only submitted vendors are ranked. */
  rankUnsubmitted?: boolean;
  /** Rank vendors on the adjusted total (default) or on its present value. */
  rankOn?: "nominal" | "present";
  /** Refuse a submission while required answers are marked "not known yet"; by default they may be submitted. */
  notKnownBlocksSubmit?: boolean;
  /** The evaluation's own criteria for the gate after a stage (model/funding.ts); a stage not named keeps the default. */
  gates?: Partial<Record<Phase, string[]>>;
}

export interface Evaluation {
  id: number;
  title: string;
  description: string;
  tier: Tier;
  horizonYears: number;
  currency: string;
  valueEstimateMinor: number | null;
  dayRateMinor: number;
  dueDate: string;
  questionSetId: number;
  roles: Role[];
  assumptions: Record<string, number>;
  settings: EvaluationSettings;
  status: EvaluationStatus;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export type NewEvaluation = Pick<
  Evaluation,
  | "title"
  | "description"
  | "tier"
  | "horizonYears"
  | "currency"
  | "valueEstimateMinor"
  | "dayRateMinor"
  | "dueDate"
  | "questionSetId"
  | "roles"
  | "assumptions"
  | "settings"
> & { status?: EvaluationStatus; createdBy?: number | null };

/** The columns of an evaluation row as its fields (for queries that join evaluations; see `toEvaluation`). */
const evaluationColumns = `id, title, description, tier, horizon_years AS horizonYears, currency, value_estimate_minor AS valueEstimateMinor,
  day_rate_minor AS dayRateMinor, due_date AS dueDate, question_set_id AS questionSetId, roles, assumptions, settings, status,
  created_by AS createdBy, created_at AS createdAt, updated_at AS updatedAt, closed_at AS closedAt`;

type Row = Omit<Evaluation, "roles" | "assumptions" | "settings"> & {
  roles: string;
  assumptions: string;
  settings: string;
};

export type EvaluationRow = Row;

function toEvaluation(r: Row): Evaluation {
  return {
    ...r,
    roles: JSON.parse(r.roles) as Role[],
    assumptions: JSON.parse(r.assumptions) as Record<string, number>,
    settings: JSON.parse(r.settings) as EvaluationSettings,
  };
}

/**
 * What the vendor portal uses of an evaluation: read with every vendor request, so not its
 * assumptions, and of its settings only the one the vendor's submit rule reads.
 */
export type PortalEvaluation = Pick<
  Evaluation,
  "id" | "title" | "description" | "currency" | "dueDate" | "questionSetId" | "roles" | "status" | "createdBy"
> & { notKnownBlocksSubmit: boolean };
type PortalEvaluationRow = Omit<PortalEvaluation, "roles" | "notKnownBlocksSubmit"> & {
  roles: string;
  notKnownBlocksSubmit: number;
};
const portalEvaluationColumns = `id, title, description, currency, due_date AS dueDate, question_set_id AS questionSetId, roles,
  status, created_by AS createdBy, coalesce(json_extract(settings, '$.notKnownBlocksSubmit'), 0) AS notKnownBlocksSubmit`;

export function findPortalEvaluation(db: Db, id: number): PortalEvaluation | undefined {
  const r = sql(db, `SELECT ${portalEvaluationColumns} FROM evaluations WHERE id = ?`).get(id) as
    PortalEvaluationRow | undefined;
  return r && { ...r, roles: JSON.parse(r.roles) as Role[], notKnownBlocksSubmit: !!r.notKnownBlocksSubmit };
}

export function insertEvaluation(db: Db, e: NewEvaluation): number {
  return Number(
    sql(
      db,
      `INSERT INTO evaluations (title, description, tier, horizon_years, currency, value_estimate_minor, day_rate_minor, due_date,
        question_set_id, roles, assumptions, settings, status, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(...storedValues(e), e.status ?? "draft", e.createdBy ?? null).lastInsertRowid,
  );
}

/** How many evaluations use a stored question-set version. */
export function countEvaluationsOfSet(db: Db, questionSetId: number): number {
  return sql(db, "SELECT count(*) FROM evaluations WHERE question_set_id = ?").pluck().get(questionSetId) as number;
}

export function findEvaluation(db: Db, id: number): Evaluation | undefined {
  const r = sql(db, `SELECT ${evaluationColumns} FROM evaluations WHERE id = ?`).get(id) as Row | undefined;
  return r && toEvaluation(r);
}

export function updateEvaluation(db: Db, id: number, e: Omit<NewEvaluation, "createdBy" | "status">): void {
  sql(
    db,
    `UPDATE evaluations SET title = ?, description = ?, tier = ?, horizon_years = ?, currency = ?, value_estimate_minor = ?,
    day_rate_minor = ?, due_date = ?, question_set_id = ?, roles = ?, assumptions = ?, settings = ?, updated_at = ? WHERE id = ?`,
  ).run(...storedValues(e), nowIso(), id);
}

export function setEvaluationStatus(db: Db, id: number, status: EvaluationStatus): void {
  sql(
    db,
    "UPDATE evaluations SET status = ?, updated_at = ?, closed_at = CASE WHEN ? IN ('closed', 'decided') THEN ? ELSE NULL END WHERE id = ?",
  ).run(status, nowIso(), status, nowIso(), id);
}

export interface EvaluationListItem {
  id: number;
  title: string;
  status: EvaluationStatus;
  dueDate: string;
  tier: Tier;
  createdAt: string;
  vendorCount: number;
  submittedCount: number;
}

/** Evaluations newest first, optionally only those a user is a member of, filtered by title. */
export function listEvaluations(
  db: Db,
  opts: { memberId?: number; search?: string; limit?: number } = {},
): EvaluationListItem[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (opts.memberId !== undefined)
    (where.push("e.id IN (SELECT evaluation_id FROM evaluation_members WHERE user_id = ?)"), args.push(opts.memberId));
  if (opts.search)
    (where.push("e.title LIKE ? ESCAPE '\\'"), args.push("%" + opts.search.replace(/[\\%_]/g, "\\$&") + "%"));
  return sql(
    db,
    `SELECT e.id, e.title, e.status, e.due_date AS dueDate, e.tier, e.created_at AS createdAt,
        (SELECT count(*) FROM vendors v WHERE v.evaluation_id = e.id) AS vendorCount,
        (SELECT count(*) FROM vendors v WHERE v.evaluation_id = e.id AND v.status = 'submitted') AS submittedCount
      FROM evaluations e ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY e.created_at DESC, e.id DESC LIMIT ?`,
  ).all(...args, opts.limit ?? 200) as EvaluationListItem[];
}

export function addMember(db: Db, evaluationId: number, userId: number): void {
  sql(db, "INSERT OR IGNORE INTO evaluation_members (evaluation_id, user_id) VALUES (?, ?)").run(evaluationId, userId);
}

export function isMember(db: Db, evaluationId: number, userId: number): boolean {
  return (
    sql(db, "SELECT 1 FROM evaluation_members WHERE evaluation_id = ? AND user_id = ?").get(evaluationId, userId) !==
    undefined
  );
}

/** The users who are members of an evaluation, by name. */
export function listMembers(
  db: Db,
  evaluationId: number,
): { id: number; name: string; email: string; role: string; committeeRole: string | null }[] {
  return sql(
    db,
    `SELECT u.id, u.name, u.email, u.role, u.committee_role AS committeeRole FROM evaluation_members m JOIN users u ON u.id = m.user_id
    WHERE m.evaluation_id = ? ORDER BY u.name`,
  ).all(evaluationId) as { id: number; name: string; email: string; role: string; committeeRole: string | null }[];
}

/** The columns an insert and an update write, in their order (title … settings). */
function storedValues(e: Omit<NewEvaluation, "createdBy" | "status">): unknown[] {
  const json = JSON.stringify;
  const { title, description, tier, horizonYears, currency, valueEstimateMinor, dayRateMinor, dueDate } = e;
  const fixed = [title, description, tier, horizonYears, currency, valueEstimateMinor, dayRateMinor, dueDate];
  return [...fixed, e.questionSetId, json(e.roles), json(e.assumptions), json(e.settings)];
}
