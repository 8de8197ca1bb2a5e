import { createHash } from "node:crypto";
import { sql, type Db } from "../db/index.js";

/**
 * A fingerprint of everything an evaluation's report prints: its settings, its vendors and their
 * answers, evidence, clarifications, the committee's comments, decisions, funding tranches and revision rounds. Two requests with the
 * same fingerprint would produce the same report (but for its date), so the second gets the first's.
 * Read with aggregate queries over indexed columns: cheap enough to run on every request.
 */
export function evaluationState(db: Db, evaluationId: number): string {
  const parts = [
    sql(
      db,
      "SELECT updated_at, status, tier, horizon_years, currency, day_rate_minor, value_estimate_minor, assumptions, settings, question_set_id, roles, title FROM evaluations WHERE id = ?",
    )
      .raw(true)
      .get(evaluationId),
    sql(
      db,
      "SELECT group_concat(id || ':' || status || ':' || coalesce(submitted_at, '') || ':' || name, ',') FROM vendors WHERE evaluation_id = ?",
    )
      .pluck()
      .get(evaluationId),
    sql(
      db,
      `SELECT count(*), max(a.updated_at), sum(a.revision) FROM answers a JOIN vendors v ON v.id = a.vendor_id WHERE v.evaluation_id = ?`,
    )
      .raw(true)
      .get(evaluationId),
    sql(
      db,
      `SELECT count(*), max(f.id), sum(f.deleted_at IS NOT NULL) FROM attachments f JOIN vendors v ON v.id = f.vendor_id WHERE v.evaluation_id = ?`,
    )
      .raw(true)
      .get(evaluationId),
    sql(
      db,
      `SELECT count(*), max(m.id), sum(c.status = 'resolved') FROM clarifications c JOIN vendors v ON v.id = c.vendor_id LEFT JOIN clarification_messages m ON m.clarification_id = c.id WHERE v.evaluation_id = ?`,
    )
      .raw(true)
      .get(evaluationId),
    sql(db, "SELECT count(*), max(id) FROM comments WHERE evaluation_id = ?").raw(true).get(evaluationId),
    sql(
      db,
      `SELECT count(*), max(d.id), group_concat(d.status), (SELECT count(*) FROM decision_signatures s JOIN decisions x ON x.id = s.decision_id WHERE x.evaluation_id = ?)
      FROM decisions d WHERE d.evaluation_id = ?`,
    )
      .raw(true)
      .get(evaluationId, evaluationId),
    sql(db, "SELECT count(*), max(id) FROM funding_tranches WHERE evaluation_id = ?").raw(true).get(evaluationId),
    sql(db, "SELECT count(*), max(id), group_concat(status) FROM revision_rounds WHERE evaluation_id = ?")
      .raw(true)
      .get(evaluationId),
  ];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}
