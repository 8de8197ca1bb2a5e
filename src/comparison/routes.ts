import { Router, type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import { join } from "node:path";
import { audit } from "../audit/repo.js";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { badRequest, forbidden, notFound } from "../errors.js";
import { countActiveVendors, findVendor, listVendors, vendorOf } from "../vendors/repo.js";
import { scoreEvaluation } from "../evaluations/scoring.js";
import { customFont } from "../report/fonts.js";
import { ReportService, reportsDir, runOnPool } from "../report/service.js";
import { parseForm, type FieldErrors } from "../web/forms.js";
import { evaluationOf, idParam, loadEvaluation, requireRole, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import { downloadName } from "../web/download.js";
import { StateCache } from "../web/state-cache.js";
import { limitByCaller, postLimit } from "../web/security.js";
import { comparisonCsv, fundingCsv } from "./csv.js";
import { evaluationWorkbook } from "../xlsx/answers.js";
import { PHASES } from "../domain.js";
import type { BriefOutput } from "../report/briefs.js";
import type { BriefJob } from "../report/worker.js";
import { comparisonPageData, evaluationState, isLarge, type PageData } from "./page-data.js";
import type { Evaluation } from "../evaluations/repo.js";
import {
  addComment,
  countComments,
  findDecision,
  findReport,
  listComments,
  listDecisions,
  listReports,
  proposeDecision,
  addTranche,
  listTranches,
  type Decision,
} from "./repo.js";
import { signDecision, type Signer } from "./signing.js";
import { decisionWords, signedBy } from "./present.js";
import { CommentSchema, DecisionSchema, TrancheSchema } from "./schema.js";

/** Comments shown on the comparison page, newest. */
const PAGE_COMMENTS = 100;

/** The comparison page, its CSV, the PDF reports, and the committee's comments and decision. */
export function comparisonRoutes(db: Db, config: Config, progressAfterMs = 1000): Router {
  const r = Router();
  const readers = [requireUser, loadEvaluation(db)];
  const actor = (req: Request) => `user:${req.user!.id}`;

  const reports = new ReportService(db, config);
  // Each new report costs seconds of a worker: a few per user and quarter of an hour (a report already made for the same state is free).
  const reportLimit = rateLimit({
    windowMs: 15 * 60_000,
    limit: 6,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: (req) => `user:${req.user!.id}`,
    skip: (req) => !reports.wouldGenerate(Number(req.params.id)),
    handler: (_req, _res, next) =>
      next(
        Object.assign(
          new Error(
            "You have asked for several new reports in a short time. Wait a few minutes, or download one already made below.",
          ),
          { status: 429, expose: true },
        ),
      ),
  });

  // The page's data by evaluation and state: a large evaluation's is made on the worker pool once per state.
  const pages = new Map<number, { state: string; data: Promise<PageData | undefined> }>();
  const pageData = (e: Evaluation): Promise<PageData | undefined> => {
    const state = evaluationState(db, e.id);
    const kept = pages.get(e.id);
    if (kept?.state === state) return kept.data;
    const vendors = countActiveVendors(db, e.id);
    const data = isLarge(vendors, e.horizonYears)
      ? runOnPool<PageData | undefined>("page", { dbFile: db.name, evaluationId: e.id, font: customFont() })
      : Promise.resolve(comparisonPageData(db, e.id));
    pages.delete(e.id);
    pages.set(e.id, { state, data });
    if (pages.size > 16) pages.delete(pages.keys().next().value!);
    data.catch(() => pages.delete(e.id));
    return data;
  };

  const page = async (
    req: Request,
    res: Response,
    extra: { errors?: FieldErrors; values?: Record<string, unknown> } = {},
    status = 200,
  ) => {
    const e = evaluationOf(res);
    const data = (await pageData(e))!;
    const list = listReports(db, e.id);
    const shown = list.find((x) => String(x.id) === req.query.report);
    const v = data.view;
    const asked = extra.values?.vendorId ?? req.query.plan;
    const plan =
      v.plans.find((p) => p.vendorId === String(asked)) ??
      v.plans.find((p) => p.vendorId === v.planDefault?.vendorId) ??
      null;
    return renderPage(
      req,
      res,
      "comparison/page",
      {
        title: `Comparison — ${e.title}`,
        wide: true,
        scripts: ["details.js"],
        view: v,
        plan: plan && plan.vendorId !== v.planDefault?.vendorId ? { ...plan, why: "" } : plan,
        canFund: req.user!.role === "committee" || req.user!.role === "admin",
        canSend: req.user!.role === "buyer" || req.user!.role === "admin",
        justReported: shown ? { ...shown, reused: req.query.reused === "1" } : null,
        // The page shows the newest comments; the PDF report carries them all.
        charts: data.charts,
        reports: list,
        comments: listComments(db, e.id, PAGE_COMMENTS),
        commentCount: countComments(db, e.id),
        decisions: listDecisions(db, e.id),
        decided: (d: Decision) => ({ ...decisionWords(d), who: signedBy(d.signatures) }),
        // Recording a decision closes the evaluation: the committee is told who is still answering.
        stillAnswering: listVendors(db, e.id)
          .filter((v) => v.status === "invited" || v.status === "in_progress")
          .map((v) => v.name),
        errors: {},
        values: {},
        ...extra,
      },
      status,
    );
  };

  r.get("/evaluations/:id/comparison", ...readers, (req, res) => page(req, res));

  // Exports: the same state's file is made once; each user may ask for sixty in a quarter of an hour.
  const csvs = new StateCache<string>(16);
  const exportLimit = limitByCaller(
    15,
    60,
    "You have downloaded many exports in a short time. Wait a few minutes and try again.",
  );
  r.get("/evaluations/:id/comparison.csv", ...readers, exportLimit, async (_req, res) => {
    const id = evaluationOf(res).id;
    const csv = await csvs.get(`${id}:${evaluationState(db, id)}`, () => {
      const scored = scoreEvaluation(db, id)!;
      return "\uFEFF" + comparisonCsv(scored.result, scored.set);
    });
    res.type("text/csv; charset=utf-8").attachment(`evaluation-${id}-cost-lines.csv`).send(csv);
  });

  const done = (res: Response, id: number, reused: boolean) =>
    res.redirect(
      303,
      `/evaluations/${evaluationOf(res).id}/comparison?report=${id}${reused ? "&reused=1" : ""}#reports`,
    );

  /** Asks for the report of the evaluation as it stands: the stored one, or one generated off the request thread (a progress page when it takes longer than progressAfterMs). */
  r.post("/evaluations/:id/reports", ...readers, reportLimit, async (req, res) => {
    const e = evaluationOf(res);
    const asked = reports.request(e.id, { actor: actor(req), name: req.user!.name });
    if ("stored" in asked) return done(res, asked.stored.id, true);
    const job = asked.job;
    await Promise.race([job.done.catch(() => undefined), new Promise((r) => setTimeout(r, progressAfterMs))]);
    if (job.result) return done(res, job.result.id, false);
    res.redirect(303, `/evaluations/${e.id}/reports/jobs/${job.id}`);
  });

  r.get("/evaluations/:id/reports/jobs/:job", ...readers, (req, res) => {
    const e = evaluationOf(res);
    const job = reports.job(String(req.params.job));
    if (!job || job.evaluationId !== e.id) throw notFound("This report request");
    if (job.result) return done(res, job.result.id, false);
    const seconds = Math.round((Date.now() - job.startedAt) / 1000);
    return renderPage(
      req,
      res,
      "comparison/report-progress",
      { title: `Generating the report — ${e.title}`, job, seconds, refreshSeconds: job.error ? 0 : 1 },
      job.error ? 500 : 200,
    );
  });

  r.get("/evaluations/:id/reports/:rid", ...readers, (req, res) => {
    const e = evaluationOf(res);
    const row = findReport(db, idParam(req, "rid"), e.id);
    if (!row) throw notFound("This report");
    res.set("Content-Disposition", downloadName(`${e.title} — vendor comparison ${row.createdAt.slice(0, 10)}.pdf`));
    res.type("application/pdf").sendFile(join(reportsDir(config), row.fileName));
  });

  // Every answer, cost line, funding row and flag as one workbook, for finance's own spreadsheets.
  r.get("/evaluations/:id/answers.xlsx", ...readers, exportLimit, async (_req, res) => {
    const e = evaluationOf(res);
    const file = (await evaluationWorkbook(db, e.id))!;
    res.set("Content-Disposition", downloadName(`${e.title} — answers and cost lines.xlsx`));
    res.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").send(file);
  });

  // The funding plan's rows for finance, and the funding request and negotiation brief PDFs.
  r.get("/evaluations/:id/funding-plan.csv", ...readers, exportLimit, async (_req, res) => {
    const id = evaluationOf(res).id;
    const csv = await csvs.get(`plan:${id}:${evaluationState(db, id)}`, () => {
      const scored = scoreEvaluation(db, id)!;
      return "\uFEFF" + fundingCsv(scored.result, listTranches(db, id));
    });
    res.type("text/csv; charset=utf-8").attachment(`evaluation-${id}-funding-plan.csv`).send(csv);
  });

  const brief = (kind: "fundingRequest" | "negotiationBrief") => async (req: Request, res: Response) => {
    const e = evaluationOf(res);
    const vendorId = kind === "fundingRequest" ? String(req.query.vendor ?? "") : String(idParam(req, "vid"));
    const v = /^\d+$/.test(vendorId) ? findVendor(db, Number(vendorId)) : undefined;
    if (!v || v.evaluationId !== e.id || v.status === "declined") throw notFound("This vendor");
    const task: BriefJob = {
      dbFile: db.name,
      evaluationId: e.id,
      vendorId,
      generatedBy: req.user!.name,
      now: new Date().toISOString(),
      font: customFont(),
    };
    const out = await runOnPool<BriefOutput | null>(kind, task);
    if (!out) throw notFound("This vendor");
    // Like a report, a document that leaves Truecost is recorded with the hash of its bytes.
    const action = kind === "fundingRequest" ? "funding.request_generated" : "negotiation.brief_generated";
    audit(db, e.id, actor(req), action, { vendor: v.name, sha256: out.sha256 });
    res.set("Content-Disposition", downloadName(`${out.fileTitle}.pdf`));
    res.type("application/pdf").send(Buffer.from(out.pdf));
  };
  r.get("/evaluations/:id/funding-request.pdf", ...readers, exportLimit, brief("fundingRequest"));
  r.get("/evaluations/:id/vendors/:vid/negotiation-brief.pdf", ...readers, exportLimit, brief("negotiationBrief"));

  r.post(
    "/evaluations/:id/tranches",
    ...readers,
    requireRole("committee", "admin"),
    postLimit(db),
    async (req, res) => {
      const e = evaluationOf(res);
      const form = parseForm(TrancheSchema, req.body);
      if (!form.ok) return page(req, res, { errors: form.errors, values: req.body }, 400);
      const { vendorId, throughPhase, note } = form.data;
      const vendor = findVendor(db, vendorId);
      const fail = (field: string, message: string) =>
        page(req, res, { errors: { [field]: message }, values: req.body }, 400);
      if (!vendor || vendor.evaluationId !== e.id) return fail("vendorId", "Choose a vendor of this evaluation");
      const plan = (await pageData(e))!.view.plans.find((p) => p.vendorId === String(vendorId));
      if (!plan?.comparable)
        return fail(
          "throughPhase",
          `${vendor.name}'s total cannot be compared yet: fund an option with a complete plan`,
        );
      const funded = plan.stages.filter((s) => s.funded).length;
      if (PHASES.indexOf(throughPhase) < funded)
        return fail(
          "throughPhase",
          `Stages 1${funded > 1 ? ` to ${funded}` : ""} are already funded: choose a later stage`,
        );
      db.transaction(() => {
        const id = addTranche(db, { evaluationId: e.id, vendorId, throughPhase, note, userId: req.user!.id });
        audit(db, e.id, actor(req), "funding.tranche_approved", { tranche: id, vendor: vendorId, throughPhase, note });
      })();
      res.redirect(303, `/evaluations/${e.id}/comparison?plan=${vendorId}#funding-plan`);
    },
  );

  r.post("/evaluations/:id/comments", ...readers, postLimit(db), (req, res) => {
    const e = evaluationOf(res);
    const form = parseForm(CommentSchema, req.body);
    if (!form.ok) return page(req, res, { errors: form.errors, values: req.body }, 400);
    db.transaction(
      () => (addComment(db, e.id, req.user!.id, form.data.body), audit(db, e.id, actor(req), "comment.added", {})),
    )();
    res.redirect(303, `/evaluations/${e.id}/comparison#committee`);
  });

  r.post("/evaluations/:id/decisions", ...readers, requireRole("committee", "admin"), (req, res) => {
    const e = evaluationOf(res);
    const form = parseForm(DecisionSchema, req.body);
    if (!form.ok) return page(req, res, { errors: form.errors, values: req.body }, 400);
    if (form.data.vendorId !== undefined && !vendorOf(db, form.data.vendorId, e.id))
      return page(req, res, { errors: { vendorId: "Choose a vendor of this evaluation" }, values: req.body }, 400);
    db.transaction(() => {
      const id = proposeDecision(db, {
        evaluationId: e.id,
        outcome: form.data.outcome,
        vendorId: form.data.vendorId ?? null,
        conditions: form.data.conditions || null,
        reason: form.data.reason,
        userId: req.user!.id,
      });
      audit(db, e.id, actor(req), "decision.proposed", {
        decision: id,
        outcome: form.data.outcome,
        vendor: form.data.vendorId ?? null,
      });
      if (req.user!.committeeRole) signDecision(db, id, e.id, e.roles, signerOf(req));
    })();
    res.redirect(303, `/evaluations/${e.id}/comparison#committee`);
  });

  r.post("/evaluations/:id/decisions/:did/sign", ...readers, requireRole("committee"), (req, res) => {
    const e = evaluationOf(res);
    const d = findDecision(db, idParam(req, "did"), e.id);
    if (!d) throw notFound("This decision");
    if (d.status !== "proposed") throw badRequest("This decision is no longer open for signature.");
    if (!req.user!.committeeRole) throw forbidden("Your account has no committee seat; an administrator can set it.");
    db.transaction(() => signDecision(db, d.id, e.id, e.roles, signerOf(req)))();
    res.redirect(303, `/evaluations/${e.id}/comparison#committee`);
  });

  return r;
}

/** The signed-in member as a signer, in their committee seat. */
function signerOf(req: Request): Signer {
  return { userId: req.user!.id, seat: req.user!.committeeRole!, actor: `user:${req.user!.id}` };
}
