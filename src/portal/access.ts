import type { NextFunction, Request, Response } from "express";
import { sql, type Db } from "../db/index.js";
import type { Role } from "../domain.js";
import { forbidden } from "../errors.js";
import { findPortalEvaluation, type EvaluationStatus, type PortalEvaluation } from "../evaluations/repo.js";
import { getQuestionSet } from "../questions/repo.js";
import type { QuestionSet } from "../questions/schema.js";
import type { Progress } from "../questions/progress.js";
import { findLink, isLive, type VendorLink } from "../vendors/links.js";
import { findVendor, type Vendor, type VendorStatus } from "../vendors/repo.js";
import { openRoundOf } from "../rounds/repo.js";
import { renderPage } from "../web/render.js";

export interface PortalContext {
  link: VendorLink;
  vendor: Vendor;
  evaluation: PortalEvaluation;
  set: QuestionSet;
  /** The main contact may answer every section and submit; a colleague only the delegated one. */
  isMain: boolean;
  /** The questionnaire takes changes: not submitted, not declined, evaluation open. */
  editable: boolean;
  /** In a revision round, the only questions that take changes, and the round's number; null otherwise. */
  round: { number: number; keys: ReadonlySet<string> } | null;
}

/** The page every dead, unknown or revoked link gets: it says whom to contact and nothing about the token. */
export function deadLink(req: Request, res: Response): Promise<void> {
  return renderPage(req, res, "portal/dead-link", { title: "Link not valid" }, 410);
}

/** A questionnaire takes changes while the evaluation is open and the vendor has neither submitted nor declined. */
function takesChanges(evaluation: EvaluationStatus, vendor: VendorStatus): boolean {
  return evaluation === "open" && (vendor === "invited" || vendor === "in_progress");
}

/** The link a vendor session opened, with its vendor, evaluation and question set; undefined once the link is gone. */
export function portalContextOf(db: Db, linkId: number): PortalContext | undefined {
  const link = findLink(db, linkId);
  const vendor = link && findVendor(db, link.vendorId);
  const evaluation = vendor && findPortalEvaluation(db, vendor.evaluationId);
  if (!link || !vendor || !evaluation) return undefined;
  const set = getQuestionSet(db, evaluation.questionSetId);
  return {
    link,
    vendor,
    evaluation,
    set,
    isMain: link.role === null,
    editable: takesChanges(evaluation.status, vendor.status),
    round: roundOf(db, vendor),
  };
}

function roundOf(db: Db, vendor: Vendor): PortalContext["round"] {
  const open = vendor.status === "in_progress" ? openRoundOf(db, vendor.id) : undefined;
  return open ? { number: open.number, keys: new Set(open.questionKeys) } : null;
}

/** Whether this link may change the answer (and evidence) of a question now: editable, and in a revision round one of its questions. */
export function canChange(ctx: PortalContext, key: string): boolean {
  return ctx.editable && (!ctx.round || ctx.round.keys.has(key));
}

/** Refuses a change to a question a revision round did not reopen. */
export function requireReopened(ctx: PortalContext, key: string): void {
  if (ctx.editable && !canChange(ctx, key))
    throw forbidden(
      `Revision round ${ctx.round!.number} reopened only the questions the buyer asked about; this answer stays as submitted.`,
    );
}

/** Loads the vendor context of the session; a session whose link was revoked or expired ends here. */
export function portalContext(db: Db) {
  return (req: Request, res: Response, next: NextFunction) => {
    const linkId = req.session?.vendorLinkId ?? null;
    if (linkId === null && req.sessionEnded)
      return void renderPage(req, res, "portal/session-ended", { title: "Your session ended" }, 401).catch(next);
    const ctx = linkId === null ? undefined : portalContextOf(db, linkId);
    if (!ctx || !isLive(ctx.link)) return void deadLink(req, res).catch(next);
    res.locals.portal = ctx;
    res.locals.vendorPortal = { vendorName: ctx.vendor.name, buyerTitle: ctx.evaluation.title };
    next();
  };
}

/**
 * Whether a link may still change its questionnaire, read afresh: the link live, the vendor neither
 * submitted nor declined, the evaluation open. For writes that run after the request's context was
 * loaded (see db/batch.ts), inside their transaction. Gives the vendor's stored progress when it may
 * (read in the same query, for the save's answer), undefined when it may not.
 */
export function stillEditable(db: Db, linkId: number, now = new Date()): { progress: Progress } | undefined {
  const r = sql(
    db,
    `SELECT l.revoked_at AS revokedAt, l.expires_at AS expiresAt, v.status AS vendorStatus, e.status AS evaluationStatus, v.progress
      FROM vendor_links l JOIN vendors v ON v.id = l.vendor_id JOIN evaluations e ON e.id = v.evaluation_id WHERE l.id = ?`,
  ).get(linkId) as
    | {
        revokedAt: string | null;
        expiresAt: string;
        vendorStatus: VendorStatus;
        evaluationStatus: EvaluationStatus;
        progress: string;
      }
    | undefined;
  const editable = !!r && isLive(r, now) && takesChanges(r.evaluationStatus, r.vendorStatus);
  return editable ? { progress: JSON.parse(r.progress) as Progress } : undefined;
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
