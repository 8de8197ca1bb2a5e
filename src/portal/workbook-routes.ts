import { Router, type Request, type Response } from "express";
import { audit } from "../audit/repo.js";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { forbidden, notFound } from "../errors.js";
import { downloadName } from "../web/download.js";
import { renderPage } from "../web/render.js";
import { limitByCaller } from "../web/security.js";
import { NO_PREVIEW, oneFile, Previews, type Review } from "../xlsx/previews.js";
import { answerPack, readPack } from "../xlsx/pack.js";
import { listAnswers } from "../answers/repo.js";
import { applyChanges, readVendorWorkbook, vendorWorkbook } from "../xlsx/vendor.js";
import { canAnswer, canChange, portalActor, portalContext, portalOf, type PortalContext } from "./access.js";

/**
 * The questionnaire as a workbook, both ways: download it, fill it in, upload it, read the preview
 * (every change, every problem by cell, every conflict with an answer changed online since), and
 * apply it through the same save as the web form. Nothing is stored until the preview is applied.
 */
export function workbookRoutes(db: Db, config: Config, validateCsrf: (req: Request) => boolean): Router {
  const r = Router();
  const ctx = portalContext(db);
  const previews = new Previews();
  const downloads = limitByCaller(
    15,
    60,
    "You have downloaded the workbook many times in a short time. Wait a few minutes.",
  );
  const rolesOf = (p: PortalContext) => p.set.sections.filter((s) => canAnswer(p, s.role)).map((s) => s.role);

  r.get("/portal/questionnaire.xlsx", ctx, downloads, async (_req, res) => {
    const p = portalOf(res);
    const file = await vendorWorkbook(db, p.vendor, rolesOf(p));
    res.set("Content-Disposition", downloadName(`${p.evaluation.title} — ${p.vendor.name} questionnaire.xlsx`));
    res.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").send(file);
  });

  const page = (req: Request, res: Response, locals: Record<string, unknown>, status = 200) =>
    renderPage(
      req,
      res,
      "portal/workbook",
      {
        title: "Answer in a spreadsheet",
        p: portalOf(res),
        ...NO_PREVIEW,
        ...locals,
      },
      status,
    );

  r.get("/portal/workbook", ctx, (req, res) => page(req, res, {}));

  r.post(
    "/portal/workbook",
    ctx,
    oneFile((req, res, error) => page(req, res, { error }, 400)),
    async (req, res) => {
      if (!validateCsrf(req)) throw forbidden("This form expired. Reload the page and upload the workbook again.");
      const p = portalOf(res);
      if (!p.editable) throw forbidden("This questionnaire can no longer be changed.");
      if (!req.file) return page(req, res, { error: "Choose the workbook to upload." }, 400);
      const read = await readVendorWorkbook(db, p.vendor, req.file.buffer, rolesOf(p));
      if (!read.ok) return page(req, res, { error: read.message }, 400);
      return keep(req, res, p, read.preview);
    },
  );

  /** Keeps a preview for applying, leaving out what a revision round did not reopen, and shows it. */
  const keep = (req: Request, res: Response, p: PortalContext, preview: Review) => {
    // In a revision round only the reopened questions take changes.
    for (const c of [...preview.changes, ...preview.conflicts])
      if (!canChange(p, c.key))
        preview.problems.push({
          cell: c.key,
          message: `revision round ${p.round?.number}: this question was not reopened, so its answer stays as submitted`,
        });
    preview.changes = preview.changes.filter((c) => canChange(p, c.key));
    preview.conflicts = preview.conflicts.filter((c) => canChange(p, c.key));
    return page(req, res, { preview, id: previews.keep(`link:${p.link.id}`, preview) });
  };

  // An answer pack: this questionnaire's answers as JSON, to carry into another Truecost questionnaire.
  r.get("/portal/answers.json", ctx, downloads, (_req, res) => {
    const p = portalOf(res);
    // A colleague's link carries the answers of its own section only.
    const keys = new Set(
      p.set.sections.filter((x) => canAnswer(p, x.role)).flatMap((x) => x.questions.map((q) => q.key)),
    );
    const own = new Map([...listAnswers(db, p.vendor.id)].filter(([k]) => keys.has(k)));
    const pack = answerPack(p.set, p.vendor.name, own);
    res.set("Content-Disposition", downloadName(`${p.vendor.name} — answers to ${p.evaluation.title}.json`));
    res.type("application/json").send(JSON.stringify(pack, null, 2));
  });

  r.post(
    "/portal/answer-pack",
    ctx,
    oneFile((req, res, packError) => page(req, res, { packError }, 400)),
    (req, res) => {
      if (!validateCsrf(req)) throw forbidden("This form expired. Reload the page and upload the answer pack again.");
      const p = portalOf(res);
      if (!p.editable) throw forbidden("This questionnaire can no longer be changed.");
      if (!req.file) return page(req, res, { packError: "Choose the answer pack to upload." }, 400);
      const read = readPack(
        req.file.buffer.toString("utf8"),
        p.set,
        rolesOf(p),
        listAnswers(db, p.vendor.id),
        p.evaluation.currency,
      );
      if (!read.ok) return page(req, res, { packError: read.message }, 400);
      return keep(req, res, p, read.review);
    },
  );

  r.post("/portal/workbook/:id/apply", ctx, (req, res) => {
    const p = portalOf(res);
    if (!p.editable) throw forbidden("This questionnaire can no longer be changed.");
    const x = previews.take(String(req.params.id), `link:${p.link.id}`, req.body.take);
    if (!x) throw notFound("This preview (it is kept for 30 minutes: upload the workbook again)");
    const { saved, missed } = applyChanges(db, p.vendor, x.apply, portalActor(p));
    audit(db, p.evaluation.id, portalActor(p), "workbook.applied", {
      vendor: p.vendor.name,
      saved,
      conflictsTaken: x.taken,
      conflictsKept: x.kept,
    });
    return page(req, res, { applied: { saved, missed, kept: x.kept } });
  });
  return r;
}
