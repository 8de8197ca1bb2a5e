import type { NextFunction, Request, Response } from "express";
import type { Db } from "../db/index.js";
import type { Role } from "../domain.js";
import { forbidden } from "../errors.js";
import { findEvaluation, type Evaluation } from "../evaluations/repo.js";
import { getQuestionSet } from "../questions/repo.js";
import type { QuestionSet } from "../questions/schema.js";
import { findLink, isLive, type VendorLink } from "../vendors/links.js";
import { findVendor, type Vendor } from "../vendors/repo.js";
import { renderPage } from "../web/render.js";

export interface PortalContext {
  link: VendorLink;
  vendor: Vendor;
  evaluation: Evaluation;
  set: QuestionSet;
  /** The main contact may answer every section and submit; a colleague only the delegated one. */
  isMain: boolean;
  /** The questionnaire takes changes: not submitted, not declined, evaluation open. */
  editable: boolean;
}

/** The page every dead, unknown or revoked link gets: it says whom to contact and nothing about the token. */
export function deadLink(req: Request, res: Response): Promise<void> {
  return renderPage(req, res, "portal/dead-link", { title: "Link not valid" }, 410);
}

/** Loads the vendor context of the session; a session whose link was revoked or expired ends here. */
export function portalContext(db: Db) {
  return (req: Request, res: Response, next: NextFunction) => {
    const linkId = req.session?.vendorLinkId;
    const link = linkId ? findLink(db, linkId) : undefined;
    if (!link || !isLive(link)) return void deadLink(req, res).catch(next);
    const vendor = findVendor(db, link.vendorId)!;
    const evaluation = findEvaluation(db, vendor.evaluationId)!;
    const ctx: PortalContext = {
      link, vendor, evaluation, set: getQuestionSet(db, evaluation.questionSetId), isMain: link.role === null,
      editable: evaluation.status === "open" && (vendor.status === "invited" || vendor.status === "in_progress"),
    };
    res.locals.portal = ctx;
    res.locals.vendorPortal = { vendorName: vendor.name, buyerTitle: evaluation.title };
    next();
  };
}

export function portalOf(res: Response): PortalContext {
  return res.locals.portal as PortalContext;
}

/** Whether this link may see and answer a role section. */
export function canAnswer(ctx: PortalContext, role: Role): boolean {
  return ctx.evaluation.roles.includes(role) && (ctx.isMain || ctx.link.role === role);
}

/** Only the vendor's main contact. */
export function requireMain(_req: Request, res: Response, next: NextFunction): void {
  if (!portalOf(res).isMain) return next(forbidden("Only the main contact who received the invitation can do this."));
  next();
}

/** The audit actor of a vendor link. */
export function portalActor(ctx: PortalContext): string {
  return `vendor-link:${ctx.link.id}`;
}
