import { Router } from "express";
import type { Db } from "../db/index.js";
import { ROLE_LABELS } from "../domain.js";
import { findQuestionSetRow, getQuestionSet, latestQuestionSets } from "../questions/repo.js";
import { evaluationOf, loadEvaluation, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import { frameworkCoverage } from "./frameworks.js";

/** The question library's pages: an evaluation's framework coverage. */
export function libraryRoutes(db: Db) {
  const r = Router();

  /** Per framework, which items the evaluation's questions touch and which none do. */
  r.get("/evaluations/:id/frameworks", requireUser, loadEvaluation(db), (req, res) => {
    const e = evaluationOf(res);
    const set = getQuestionSet(db, e.questionSetId);
    const row = findQuestionSetRow(db, e.questionSetId)!;
    const latest = latestQuestionSets(db).find((s) => s.setKey === row.setKey);
    return renderPage(req, res, "library/coverage", {
      title: `Framework coverage — ${e.title}`,
      evaluation: e,
      setName: `${set.title} (version ${row.version})`,
      coverage: frameworkCoverage(set, e.roles),
      // An evaluation keeps the version it was made with: a newer one may refer to frameworks this one does not.
      newer: latest && latest.version > row.version ? latest : null,
      roleLabels: ROLE_LABELS,
    });
  });

  return r;
}
