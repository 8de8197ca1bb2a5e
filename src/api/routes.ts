import { Router, type NextFunction, type Request, type Response } from "express";
import { listAnswers } from "../answers/repo.js";
import { findUserByApiToken } from "../auth/users.js";
import type { Db } from "../db/index.js";
import { notFound, unauthorized } from "../errors.js";
import { listEvaluations } from "../evaluations/repo.js";
import { scoreEvaluation } from "../evaluations/scoring.js";
import { findVendor, listVendors } from "../vendors/repo.js";
import { evaluationOf, idParam, loadEvaluation, requireUser } from "../web/guards.js";
import { limitByCaller } from "../web/security.js";
import { asksJson, planJson, plannedView } from "../comparison/plan-json.js";

/** The JSON read API: what a signed-in user sees, by session or by `Authorization: Bearer <api token>`. */
export function apiRoutes(db: Db) {
  const r = Router();
  // Reads are cheap (the model is kept by state) but not free: 600 per user and quarter of an hour.
  r.use(
    "/api",
    bearer(db),
    requireUser,
    limitByCaller(15, 600, "Too many API requests. Wait a few minutes and try again."),
  );
  r.get("/api/evaluations", (req, res) => {
    res.json({
      evaluations: listEvaluations(db, {
        memberId: req.user!.role === "admin" ? undefined : req.user!.id,
        search: String(req.query.q ?? ""),
        limit: 1000,
      }),
    });
  });
  r.get("/api/evaluations/:id", loadEvaluation(db), (_req, res) => {
    const e = evaluationOf(res);
    res.json({
      evaluation: e,
      vendors: listVendors(db, e.id).map(({ submissionHash, ...v }) => ({ ...v, submissionHash })),
    });
  });
  r.get("/api/evaluations/:id/vendors/:vid/answers", loadEvaluation(db), (req, res) => {
    const v = findVendor(db, idParam(req, "vid"));
    if (!v || v.evaluationId !== evaluationOf(res).id) throw notFound("This vendor");
    res.json({
      vendorId: v.id,
      answers: Object.fromEntries(
        [...listAnswers(db, v.id)].map(([k, a]) => [
          k,
          {
            value: a.value,
            ...(a.notKnown === null ? {} : { notKnown: a.notKnown }),
            ...(a.note === null ? {} : { note: a.note }),
            revision: a.revision,
            updatedAt: a.updatedAt,
          },
        ]),
      ),
    });
  });
  r.get("/api/evaluations/:id/model", loadEvaluation(db), (_req, res) => {
    res.json(scoreEvaluation(db, evaluationOf(res).id)!.result);
  });
  // The funding plan (every option, or `?vendor=` one) and a vendor's negotiation asks: the figures the page and PDFs print.
  const planned = (id: number) => plannedView(db, id)!;
  r.get("/api/evaluations/:id/plan", loadEvaluation(db), (req, res) => {
    const { scored, tranches, view } = planned(evaluationOf(res).id);
    const vendor = req.query.vendor === undefined ? undefined : String(req.query.vendor);
    if (vendor !== undefined && !scored.result.vendors.some((v) => v.vendorId === vendor))
      throw notFound("This vendor");
    res.json(planJson(scored, view, tranches, vendor === undefined ? undefined : [vendor]));
  });
  r.get("/api/evaluations/:id/vendors/:vid/asks", loadEvaluation(db), (req, res) => {
    const { scored, view } = planned(evaluationOf(res).id);
    const asks = asksJson(scored, view, String(idParam(req, "vid")));
    if (!asks) throw notFound("This vendor");
    res.json(asks);
  });
  return r;
}

/** Accepts an API token in place of a session. */
function bearer(db: Db) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const h = req.headers.authorization;
    if (!h) return next();
    const m = /^Bearer ([\w-]{10,100})$/.exec(h);
    const user = m ? findUserByApiToken(db, m[1]!) : undefined;
    if (!user) return next(unauthorized("The API token is missing, wrong or revoked."));
    req.user = user;
    next();
  };
}
