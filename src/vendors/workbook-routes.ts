import { Router, type Request, type Response } from "express";
import { audit } from "../audit/repo.js";
import type { Db } from "../db/index.js";
import { badRequest, forbidden, notFound } from "../errors.js";
import { downloadName } from "../web/download.js";
import { evaluationOf, idParam, loadEvaluation, requireRole, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import { NO_PREVIEW, oneFile, Previews } from "../xlsx/previews.js";
import { applyChanges, readVendorWorkbook, vendorWorkbook } from "../xlsx/vendor.js";
import { findVendor, type Vendor } from "./repo.js";

/**
 * A buyer imports a vendor's filled workbook on its behalf (a vendor that mailed it back): the same
 * preview as the portal's, applied through the same save with the buyer as the actor, and the
 * audit log saying who did it. Only while the vendor is answering: a submitted questionnaire is
 * reopened first, so that nothing submitted changes unseen.
 */
export function vendorWorkbookRoutes(db: Db, validateCsrf: (req: Request) => boolean): Router {
  const r = Router();
  const buyers = [requireUser, requireRole("admin", "buyer"), loadEvaluation(db)];
  const previews = new Previews();
  const vendorOf = (req: Request, res: Response): Vendor => {
    const v = findVendor(db, idParam(req, "vid"));
    if (!v || v.evaluationId !== evaluationOf(res).id) throw notFound("This vendor");
    return v;
  };
  const answering = (res: Response, v: Vendor) => {
    const e = evaluationOf(res);
    if (e.status !== "open") throw badRequest("This evaluation is closed: reopen it to import answers.");
    if (v.status === "submitted" || v.status === "declined")
      throw badRequest(`${v.name} has ${v.status}: reopen its questionnaire before importing a workbook for it.`);
  };
  const page = (req: Request, res: Response, v: Vendor, locals: Record<string, unknown>, status = 200) =>
    renderPage(
      req,
      res,
      "vendors/workbook",
      {
        title: `Import a workbook — ${v.name}`,
        vendor: v,
        ...NO_PREVIEW,
        ...locals,
      },
      status,
    );

  r.get("/evaluations/:id/vendors/:vid/workbook.xlsx", ...buyers, async (req, res) => {
    const v = vendorOf(req, res);
    const file = await vendorWorkbook(db, v, evaluationOf(res).roles);
    res.set("Content-Disposition", downloadName(`${evaluationOf(res).title} — ${v.name} questionnaire.xlsx`));
    res.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").send(file);
  });

  r.get("/evaluations/:id/vendors/:vid/workbook", ...buyers, (req, res) => page(req, res, vendorOf(req, res), {}));

  r.post(
    "/evaluations/:id/vendors/:vid/workbook",
    ...buyers,
    oneFile((req, res, error) => page(req, res, vendorOf(req, res), { error }, 400)),
    async (req, res) => {
      if (!validateCsrf(req)) throw forbidden("This form expired. Reload the page and upload the workbook again.");
      const v = vendorOf(req, res);
      answering(res, v);
      if (!req.file) return page(req, res, v, { error: "Choose the workbook to upload." }, 400);
      const read = await readVendorWorkbook(db, v, req.file.buffer, evaluationOf(res).roles);
      if (!read.ok) return page(req, res, v, { error: read.message }, 400);
      const id = previews.keep(`user:${req.user!.id}:vendor:${v.id}`, read.preview);
      return page(req, res, v, { preview: read.preview, id });
    },
  );

  r.post("/evaluations/:id/vendors/:vid/workbook/:pid/apply", ...buyers, (req, res) => {
    const v = vendorOf(req, res);
    answering(res, v);
    const x = previews.take(String(req.params.pid), `user:${req.user!.id}:vendor:${v.id}`, req.body.take);
    if (!x) throw notFound("This preview (it is kept for 30 minutes: upload the workbook again)");
    const actor = `user:${req.user!.id}`;
    const { saved, missed } = applyChanges(db, v, x.apply, actor);
    audit(db, v.evaluationId, actor, "workbook.applied", { vendor: v.name, saved, onBehalf: true });
    return page(req, res, v, { applied: { saved, missed, kept: x.kept } });
  });
  return r;
}
