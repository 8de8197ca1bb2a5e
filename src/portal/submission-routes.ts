import { Router, type NextFunction, type Request, type Response } from "express";
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { audit } from "../audit/repo.js";
import { addMessage, findClarification, replyRefused } from "../clarifications/repo.js";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";

import { forbidden, invalid, notFound } from "../errors.js";
import { enqueue } from "../mail/outbox.js";
import { missingRequired, notKnownRequired } from "../questions/progress.js";
import { isShown, questionIndex } from "../questions/answers.js";
import { formatAnswer } from "../questions/format-answer.js";
import { delegationEmail, handBackEmail } from "../vendors/emails.js";
import {
  createLink,
  findLink,
  handBack,
  linkToken,
  linkUrl,
  mainLink,
  revokeLink,
  sectionLinkIds,
} from "../vendors/links.js";
import { declineVendor, findVendor } from "../vendors/repo.js";
import { DelegateSchema, MessageSchema, ReopenSchema } from "../vendors/schema.js";
import { parseForm } from "../web/forms.js";
import { idParam } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import {
  canAnswer,
  portalActor,
  portalContext,
  portalOf,
  requireMain,
  requireReopened,
  type PortalContext,
} from "./access.js";
import type { AnswerValue } from "../questions/answers.js";
import { answersCopyPdf } from "./copy-pdf.js";
import { downloadName } from "../web/download.js";
import { limitByCaller, postLimit } from "../web/security.js";
import { StateCache } from "../web/state-cache.js";
import { answerSheet } from "../vendors/service.js";
import { carriedKeys } from "../answers/repo.js";
import { submit } from "./service.js";
import { deleteEvidence, findAttachment, listEvidence } from "../evidence/repo.js";
import { evidenceQuota, storeEvidence, uploadMiddleware, uploadsDir, type ReceivedFile } from "../evidence/uploads.js";

/**
 * What stands between a vendor and submitting: required questions without an answer, and those
 * marked "not known yet" (which stop the submission only when the evaluation says so).
 */
function submitRule(p: PortalContext, values: Record<string, AnswerValue>, notKnown: Record<string, string>) {
  return {
    missing: missingRequired(p.set, p.evaluation.roles, values, notKnown),
    unknown: notKnownRequired(p.set, p.evaluation.roles, values, notKnown),
    blocks: p.evaluation.notKnownBlocksSubmit,
  };
}

/** Review, submit, decline, the PDF copy, delegation, clarification replies and evidence files. */
export function submissionRoutes(db: Db, config: Config, validateCsrf: (req: Request) => boolean): Router {
  const r = Router();
  const ctx = portalContext(db);
  const editable = (_req: Request, res: Response, next: (err?: unknown) => void) =>
    portalOf(res).editable ? next() : next(forbidden("This questionnaire can no longer be changed."));

  /** The review page: what is still missing, and the submit button once nothing is. */
  const review = (req: Request, res: Response, refused = false) => {
    const p = portalOf(res);
    const { values, notKnown, notes } = answerSheet(db, p.vendor.id);
    const { missing, unknown, blocks } = submitRule(p, values, notKnown);
    // Answers carried over from another evaluation wait for the vendor to confirm them here.
    const carried = new Set(carriedKeys(db, p.vendor.id));
    // Every question the vendor is shown, by section, with its answer as the buyer will read it.
    const sections = p.set.sections
      .filter((s) => p.evaluation.roles.includes(s.role))
      .map((s) => ({
        role: s.role,
        title: s.title,
        answers: s.questions
          .filter((q) => isShown(q, values))
          .map((q) => ({
            key: q.key,
            text: q.text,
            required: q.required,
            answer: values[q.key] === undefined ? null : formatAnswer(q, values[q.key], p.evaluation.currency),
            notKnown: notKnown[q.key] ?? null,
            note: notes[q.key] ?? null,
          })),
      }));
    return renderPage(
      req,
      res,
      "portal/review",
      {
        title: `Review — ${p.evaluation.title}`,
        p,
        missing,
        unknown,
        blocks,
        carried: p.set.sections
          .filter((s) => p.evaluation.roles.includes(s.role))
          .flatMap((s) =>
            s.questions.filter((q) => carried.has(q.key)).map((q) => ({ role: s.role, key: q.key, text: q.text })),
          ),
        sections,
        titles: Object.fromEntries(p.set.sections.map((s) => [s.role, s.title])),
        refused,
      },
      refused ? 400 : 200,
    );
  };
  r.get("/portal/review", ctx, requireMain, (req, res) => review(req, res));

  r.post("/portal/submit", ctx, requireMain, editable, async (req, res) => {
    const p = portalOf(res);
    const { values, notKnown } = answerSheet(db, p.vendor.id);
    const rule = submitRule(p, values, notKnown);
    if (rule.missing.length || (rule.blocks && rule.unknown.length) || carriedKeys(db, p.vendor.id).length)
      return review(req, res, true);
    const hash = submit(db, p.vendor, p.evaluation.id, portalActor(p));
    enqueue(db, config, {
      to: p.vendor.contactEmail,
      kind: "submission_receipt",
      evaluationId: p.evaluation.id,
      vendorId: p.vendor.id,
      subject: `Received: ${p.vendor.name}'s answers to "${p.evaluation.title}"`,
      body: `Dear ${p.vendor.contactName},\n\nThank you: ${p.vendor.name}'s questionnaire for "${p.evaluation.title}" was submitted on ${new Date().toUTCString()}.\n\nSubmission SHA-256: ${hash}\n\nYou can download a PDF copy of exactly what you sent from your questionnaire link.\n`,
    });
    res.redirect(303, "/portal?submitted=1");
  });

  r.post("/portal/decline", ctx, requireMain, editable, (req, res) => {
    const p = portalOf(res);
    const form = parseForm(ReopenSchema, req.body);
    if (!form.ok) throw invalid(form.errors, { reason: "Reason" });
    db.transaction(() => {
      declineVendor(db, p.vendor.id, form.data.reason);
      audit(db, p.evaluation.id, portalActor(p), "vendor.declined", {
        vendor: p.vendor.name,
        reason: form.data.reason,
      });
    })();
    res.redirect(303, "/portal");
  });

  // The copy of the same answers is made once (kept by what it prints); ten a quarter of an hour per link.
  const copies = new StateCache<Buffer>(32);
  const copyLimit = limitByCaller(
    15,
    10,
    "You have downloaded your copy many times in a short time. Wait a few minutes and try again.",
  );
  r.get("/portal/copy.pdf", ctx, requireMain, copyLimit, async (_req, res) => {
    const p = portalOf(res);
    const v = findVendor(db, p.vendor.id)!;
    const { values, notKnown, notes } = answerSheet(db, p.vendor.id);
    const files = listEvidence(db, v.id);
    const key = createHash("sha256")
      .update(JSON.stringify([p.evaluation.title, p.evaluation.questionSetId, v, values, notKnown, notes, files]))
      .digest("hex");
    const pdf = await copies.get(key, () => answersCopyPdf(p.evaluation, p.set, v, values, files, notKnown, notes));
    res
      .type("application/pdf")
      .set("Content-Disposition", downloadName(`${v.name} — answers.pdf`))
      .send(pdf);
  });

  r.post("/portal/delegations", ctx, requireMain, editable, (req, res) => {
    const p = portalOf(res);
    const form = parseForm(DelegateSchema, req.body);
    const labels = { role: "Section", name: "Colleague's name", email: "Colleague's email" };
    if (!form.ok) throw invalid(form.errors, labels);
    if (!canAnswer(p, form.data.role)) throw invalid({ role: "Choose a section of this questionnaire" }, labels);
    const { role, name, email } = form.data;
    db.transaction(() => {
      const old = sectionLinkIds(db, p.vendor.id, role);
      for (const id of old) revokeLink(db, id);
      const link = createLink(db, config.sessionSecret, {
        vendorId: p.vendor.id,
        role,
        holderName: name,
        holderEmail: email,
        expiresAt: p.link.expiresAt,
      });
      const mail = delegationEmail(p.evaluation, p.set, p.vendor, role, { name }, p.vendor.contactName);
      enqueue(db, config, {
        to: email,
        subject: mail.subject,
        body: mail.body,
        kind: "delegation",
        link: linkUrl(config.baseUrl, link.token),
        vendorLinkId: link.id,
        evaluationId: p.evaluation.id,
        vendorId: p.vendor.id,
      });
      audit(db, p.evaluation.id, portalActor(p), "vendor.section_delegated", {
        vendor: p.vendor.name,
        role,
        to: email,
      });
    })();
    res.redirect(303, `/portal?delegated=${role}`);
  });

  // A colleague given one section says it is finished: the main contact is told (by email, and on the overview).
  r.post("/portal/hand-back", ctx, editable, (_req, res) => {
    const p = portalOf(res);
    if (p.isMain || !p.link.role) throw forbidden("Only a colleague given one section hands it back.");
    const role = p.link.role;
    db.transaction(() => {
      handBack(db, p.link.id);
      const main = mainLink(db, p.vendor.id);
      const token = main && linkToken(main, config.sessionSecret);
      const mail = handBackEmail(p.evaluation, p.set, p.vendor, role, p.link.holderName);
      enqueue(db, config, {
        to: p.vendor.contactEmail,
        subject: mail.subject,
        body: mail.body,
        kind: "handed_back",
        link: token ? linkUrl(config.baseUrl, token) : undefined,
        vendorLinkId: main?.id,
        evaluationId: p.evaluation.id,
        vendorId: p.vendor.id,
      });
      audit(db, p.evaluation.id, portalActor(p), "vendor.section_handed_back", {
        vendor: p.vendor.name,
        role,
        by: p.link.holderName,
      });
    })();
    res.redirect(303, `/portal/sections/${role}?handed=1`);
  });

  r.post("/portal/delegations/:lid/revoke", ctx, requireMain, (req, res) => {
    const p = portalOf(res);
    const link = findLink(db, idParam(req, "lid"));
    if (!link || link.vendorId !== p.vendor.id || link.role === null) throw notFound("This delegation");
    db.transaction(
      () => (
        revokeLink(db, link.id),
        audit(db, p.evaluation.id, portalActor(p), "vendor.section_taken_back", {
          vendor: p.vendor.name,
          role: link.role,
        })
      ),
    )();
    res.redirect(303, "/portal");
  });

  r.post("/portal/clarifications/:cid/reply", ctx, postLimit(db), (req, res) => {
    const p = portalOf(res);
    const c = findClarification(db, idParam(req, "cid"));
    const role = c && p.set.sections.find((s) => s.questions.some((q) => q.key === c.questionKey))?.role;
    if (!c || c.vendorId !== p.vendor.id || c.visibility !== "vendor" || !role || !canAnswer(p, role))
      throw notFound("This clarification");
    const form = parseForm(MessageSchema, req.body);
    if (!form.ok) throw invalid(form.errors, { body: "Your reply" });
    const refused = replyRefused(db, c.id);
    if (refused) throw invalid({ body: refused }, { body: "Your reply" });
    db.transaction(() => {
      addMessage(db, c.id, {
        authorKind: "vendor",
        linkId: p.link.id,
        authorName: p.link.holderName,
        body: form.data.body,
      });
      audit(db, p.evaluation.id, portalActor(p), "clarification.replied", {
        vendor: p.vendor.name,
        question: c.questionKey,
        id: c.id,
      });
    })();
    res.redirect(303, `/portal/sections/${role}#q-${c.questionKey}`);
  });

  // The question and the quota are checked before the body is read; the file streams to disk once
  // the CSRF token that precedes it in the form is checked (see uploads.ts).
  const evidenceQuestion = (req: Request, res: Response, next: NextFunction) => {
    const p = portalOf(res);
    const entry = questionIndex(p.set).get(String(req.params.key));
    if (!entry || !entry.question.evidence || !canAnswer(p, entry.role)) return next(notFound("This question"));
    requireReopened(p, entry.question.key);
    evidenceQuota(db, config, req, p.vendor.id);
    next();
  };
  r.post(
    "/portal/questions/:key/files",
    ctx,
    editable,
    evidenceQuestion,
    uploadMiddleware(config, validateCsrf),
    (req, res) => {
      const received = (req.file as (Express.Multer.File & { received?: ReceivedFile }) | undefined)?.received;
      if (!validateCsrf(req)) {
        if (received) rmSync(received.path, { force: true });
        throw forbidden("This form expired. Reload the page and attach the file again.");
      }
      const p = portalOf(res);
      const entry = questionIndex(p.set).get(String(req.params.key))!;
      if (!req.file || !received) throw invalid({ file: "Choose a file to attach" }, { file: "Evidence file" });
      const stored = storeEvidence(db, config, {
        vendorId: p.vendor.id,
        questionKey: entry.question.key,
        name: req.file.originalname,
        file: received,
        actor: portalActor(p),
        after: (id) =>
          audit(db, p.evaluation.id, portalActor(p), "evidence.uploaded", {
            vendor: p.vendor.name,
            question: entry.question.key,
            file: id,
          }),
      });
      if (!stored.ok) throw invalid({ file: stored.message }, { file: "Evidence file" });
      if (req.accepts(["html", "json"]) === "json") return res.json({ id: stored.id });
      res.redirect(303, `/portal/sections/${entry.role}#q-${entry.question.key}`);
    },
  );

  r.post("/portal/files/:aid/delete", ctx, editable, (req, res) => {
    const p = portalOf(res);
    const a = findAttachment(db, idParam(req, "aid"));
    const role = a && p.set.sections.find((s) => s.questions.some((q) => q.key === a.questionKey))?.role;
    if (!a || a.vendorId !== p.vendor.id || a.deletedAt || !role || !canAnswer(p, role)) throw notFound("This file");
    requireReopened(p, a.questionKey);
    db.transaction(() => {
      deleteEvidence(db, a.id);
      audit(db, p.evaluation.id, portalActor(p), "evidence.removed", {
        vendor: p.vendor.name,
        question: a.questionKey,
        file: a.id,
      });
    })();
    res.redirect(303, `/portal/sections/${role}#q-${a.questionKey}`);
  });

  r.get("/portal/files/:aid", ctx, (req, res) => {
    const p = portalOf(res);
    const a = findAttachment(db, idParam(req, "aid"));
    const role = a && p.set.sections.find((s) => s.questions.some((q) => q.key === a.questionKey))?.role;
    if (!a || a.vendorId !== p.vendor.id || a.deletedAt || !role || !canAnswer(p, role)) throw notFound("This file");
    sendAttachment(res, config, a);
  });
  return r;
}

/** Sends a stored evidence file as a download, never inline. */
export function sendAttachment(
  res: Response,
  config: Pick<Config, "dataDir">,
  a: { storedName: string; originalName: string; mimeType: string },
): void {
  res.download(join(uploadsDir(config), a.storedName), a.originalName, {
    headers: { "Content-Type": a.mimeType, "X-Content-Type-Options": "nosniff" },
    dotfiles: "deny",
  });
}
