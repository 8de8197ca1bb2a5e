import { Router, type Request, type Response } from "express";
import { join } from "node:path";
import { audit } from "../audit/repo.js";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { badRequest, forbidden, notFound } from "../errors.js";
import { setEvaluationStatus } from "../evaluations/repo.js";
import { scoreEvaluation } from "../evaluations/scoring.js";
import { comparisonCharts } from "../report/charts.js";
import { generateReport, reportsDir } from "../report/service.js";
import { chartSvg } from "../report/svg.js";
import { parseForm, type FieldErrors } from "../web/forms.js";
import { evaluationOf, idParam, loadEvaluation, requireRole, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import { comparisonCsv } from "./csv.js";
import { presentComparison } from "./present.js";
import { addComment, listComments, listDecisions, listReports, missingSignatures, proposeDecision, recordDecision, sign } from "./repo.js";
import { CommentSchema, DecisionSchema } from "./schema.js";

/** The comparison page, its CSV, the PDF reports, and the committee's comments and decision. */
export function comparisonRoutes(db: Db, config: Config): Router {
  const r = Router();
  const readers = [requireUser, loadEvaluation(db)];
  const actor = (req: Request) => `user:${req.user!.id}`;

  const page = (req: Request, res: Response, extra: { errors?: FieldErrors; values?: Record<string, unknown> } = {}, status = 200) => {
    const e = evaluationOf(res);
    const scored = scoreEvaluation(db, e.id)!;
    const result = scored.result;
    return renderPage(req, res, "comparison/page", {
      title: `Comparison — ${e.title}`, wide: true, view: presentComparison(result, scored.set),
      charts: comparisonCharts(result).map((c) => ({ title: c.title, svg: chartSvg(c) })), reports: listReports(db, e.id), comments: listComments(db, e.id),
      decisions: listDecisions(db, e.id), errors: {}, values: {}, ...extra,
    }, status);
  };

  r.get("/evaluations/:id/comparison", ...readers, (req, res) => page(req, res));

  r.get("/evaluations/:id/comparison.csv", ...readers, (_req, res) => {
    const scored = scoreEvaluation(db, evaluationOf(res).id)!;
    res.type("text/csv; charset=utf-8").attachment(`evaluation-${scored.evaluation.id}-cost-lines.csv`).send("\uFEFF" + comparisonCsv(scored.result, scored.set));
  });

  r.post("/evaluations/:id/reports", ...readers, async (req, res) => {
    const report = await generateReport(db, config, evaluationOf(res).id, { actor: actor(req), name: req.user!.name });
    res.redirect(303, `/evaluations/${evaluationOf(res).id}/reports/${report!.id}`);
  });

  r.get("/evaluations/:id/reports/:rid", ...readers, (req, res) => {
    const row = db.prepare("SELECT file_name AS fileName FROM reports WHERE id = ? AND evaluation_id = ?").get(idParam(req, "rid"), evaluationOf(res).id) as { fileName: string } | undefined;
    if (!row) throw notFound("This report");
    res.download(join(reportsDir(config), row.fileName), row.fileName, { headers: { "Content-Type": "application/pdf" } });
  });

  r.post("/evaluations/:id/comments", ...readers, (req, res) => {
    const e = evaluationOf(res);
    const form = parseForm(CommentSchema, req.body);
    if (!form.ok) return page(req, res, { errors: form.errors, values: req.body }, 400);
    db.transaction(() => (addComment(db, e.id, req.user!.id, form.data.body), audit(db, e.id, actor(req), "comment.added", {})))();
    res.redirect(303, `/evaluations/${e.id}/comparison#committee`);
  });

  r.post("/evaluations/:id/decisions", ...readers, requireRole("committee", "admin"), (req, res) => {
    const e = evaluationOf(res);
    const form = parseForm(DecisionSchema, req.body);
    if (!form.ok) return page(req, res, { errors: form.errors, values: req.body }, 400);
    if (form.data.vendorId !== undefined && !db.prepare("SELECT 1 FROM vendors WHERE id = ? AND evaluation_id = ?").get(form.data.vendorId, e.id))
      return page(req, res, { errors: { vendorId: "Choose a vendor of this evaluation" }, values: req.body }, 400);
    db.transaction(() => {
      const id = proposeDecision(db, { evaluationId: e.id, outcome: form.data.outcome, vendorId: form.data.vendorId ?? null, conditions: form.data.conditions || null, reason: form.data.reason, userId: req.user!.id });
      audit(db, e.id, actor(req), "decision.proposed", { decision: id, outcome: form.data.outcome, vendor: form.data.vendorId ?? null });
      if (req.user!.committeeRole) signAndMaybeRecord(id, req, e.id, e.roles);
    })();
    res.redirect(303, `/evaluations/${e.id}/comparison#committee`);
  });

  r.post("/evaluations/:id/decisions/:did/sign", ...readers, requireRole("committee"), (req, res) => {
    const e = evaluationOf(res);
    const d = db.prepare("SELECT id, status FROM decisions WHERE id = ? AND evaluation_id = ?").get(idParam(req, "did"), e.id) as { id: number; status: string } | undefined;
    if (!d) throw notFound("This decision");
    if (d.status !== "proposed") throw badRequest("This decision is no longer open for signature.");
    if (!req.user!.committeeRole) throw forbidden("Your account has no committee seat; an administrator can set it.");
    db.transaction(() => signAndMaybeRecord(d.id, req, e.id, e.roles))();
    res.redirect(303, `/evaluations/${e.id}/comparison#committee`);
  });

  /** Adds the member's signature; once every role the evaluation names has signed, the decision is recorded. */
  const signAndMaybeRecord = (decisionId: number, req: Request, evaluationId: number, roles: ReturnType<typeof evaluationOf>["roles"]) => {
    sign(db, decisionId, req.user!.id, req.user!.committeeRole!);
    audit(db, evaluationId, actor(req), "decision.signed", { decision: decisionId, seat: req.user!.committeeRole });
    if (missingSignatures(db, decisionId, roles).length === 0) {
      recordDecision(db, decisionId);
      setEvaluationStatus(db, evaluationId, "decided");
      audit(db, evaluationId, actor(req), "decision.recorded", { decision: decisionId });
    }
  };
  return r;
}
