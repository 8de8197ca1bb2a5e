import { Router, type Request, type Response } from "express";
import { historyPage, listAnswers, recentHistory } from "../answers/repo.js";
import { audit } from "../audit/repo.js";
import {
  addMessage,
  clarificationPage,
  findClarification,
  listClarifications,
  openClarification,
  openingRefused,
  replyRefused,
  resolveClarification,
} from "../clarifications/repo.js";
import { postLimit } from "../web/security.js";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { nowIso } from "../db/index.js";
import { badRequest, invalid, notFound } from "../errors.js";
import { scoreEvaluation, vendorInputs } from "../evaluations/scoring.js";
import { presentComparison, totalLabel } from "../comparison/present.js";
import { enqueue } from "../mail/outbox.js";
import { questionIndex } from "../questions/answers.js";
import { parseForm } from "../web/forms.js";
import { evaluationOf, idParam, loadEvaluation, requireRole, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import { clarificationEmail, reopenEmail, revisionEmail } from "./emails.js";
import { presentAsks } from "../comparison/present-plan.js";
import { openRound } from "../rounds/repo.js";
import { inviteVendor, remindVendor } from "./invitations.js";
import { extendLink, findLink, linkToken, linkUrl, listLinks, mainLink, revokeLink } from "./links.js";
import { renderEvaluationPage } from "../evaluations/routes.js";
import { sendAttachment } from "../portal/submission-routes.js";
import { findAttachment, listEvidence } from "../evidence/repo.js";
import { findVendor, insertVendor, reopenVendor, type Vendor } from "./repo.js";
import { carryOver } from "./carry-over.js";
import {
  ClarificationSchema,
  ExtendSchema,
  MessageSchema,
  ReopenSchema,
  RoundSchema,
  VendorFormSchema,
} from "./schema.js";

/** Per question on the review page: the newest changes, resolved clarifications and messages per thread shown. */
const REVIEW_HISTORY = 5;
const REVIEW_RESOLVED = 3;
const REVIEW_MESSAGES = 10;
/** Changes and clarifications per page on a question's own page. */
const PAGE_SIZE = 50;

/** The buyer's side of vendors: adding and inviting them, their links, reminders, review, clarifications, reopening. */
export function vendorRoutes(db: Db, config: Config): Router {
  const r = Router();
  const buyers = [requireUser, requireRole("admin", "buyer"), loadEvaluation(db)];
  const readers = [requireUser, loadEvaluation(db)];
  const vendorOf = (req: Request, res: Response): Vendor => {
    const v = findVendor(db, idParam(req, "vid"));
    if (!v || v.evaluationId !== evaluationOf(res).id) throw notFound("This vendor");
    return v;
  };
  const back = (res: Response, path = "") => res.redirect(303, `/evaluations/${evaluationOf(res).id}${path}`);
  const actor = (req: Request) => `user:${req.user!.id}`;
  const posting = postLimit(db);

  r.post("/evaluations/:id/vendors", ...buyers, (req, res) => {
    const e = evaluationOf(res);
    const form = parseForm(VendorFormSchema, req.body);
    if (!form.ok) return renderEvaluationPage(db, req, res, form.errors, req.body);
    if (e.status === "closed" || e.status === "decided")
      throw badRequest("This evaluation is closed: reopen it to add vendors.");
    const id = db.transaction(() => {
      const id = insertVendor(db, {
        evaluationId: e.id,
        name: form.data.name,
        contactName: form.data.contactName,
        contactEmail: form.data.contactEmail,
        kind: form.data.kind,
      });
      audit(db, e.id, actor(req), "vendor.added", {
        vendor: form.data.name,
        contact: form.data.contactEmail,
        ...(form.data.kind === "vendor" ? {} : { kind: form.data.kind }),
      });
      carryOver(db, findVendor(db, id)!, e, actor(req));
      return id;
    })();
    if (form.data.invite) inviteVendor(db, config, e, findVendor(db, id)!, req.user!);
    back(res, "#vendors");
  });

  r.post("/evaluations/:id/vendors/:vid/invite", ...buyers, (req, res) => {
    const e = evaluationOf(res);
    if (e.status === "closed" || e.status === "decided")
      throw badRequest("This evaluation is closed: reopen it to send invitations.");
    inviteVendor(db, config, e, vendorOf(req, res), req.user!);
    back(res, "#vendors");
  });

  r.post("/evaluations/:id/vendors/:vid/remind", ...buyers, (req, res) => {
    const v = vendorOf(req, res);
    if (v.status === "submitted" || v.status === "declined")
      throw badRequest(
        `${v.name} has ${v.status === "submitted" ? "submitted" : "declined"}: there is nothing to remind them of.`,
      );
    if (remindVendor(db, config, evaluationOf(res), v, req.user!) === null)
      throw badRequest(`${v.name} has no working link: send the invitation again.`);
    back(res, "#vendors");
  });

  r.post("/evaluations/:id/links/:lid/:action", ...buyers, (req, res) => {
    const e = evaluationOf(res);
    const link = findLink(db, idParam(req, "lid"));
    const v = link && findVendor(db, link.vendorId);
    if (!link || !v || v.evaluationId !== e.id) throw notFound("This link");
    const action = req.params.action;
    if (action === "revoke") {
      db.transaction(
        () => (
          revokeLink(db, link.id),
          audit(db, e.id, actor(req), "link.revoked", { vendor: v.name, link: link.id, role: link.role })
        ),
      )();
    } else if (action === "extend") {
      const form = parseForm(ExtendSchema, req.body);
      if (!form.ok) throw invalid(form.errors, { days: "Extend by (days)" });
      const from = Math.max(Date.parse(link.expiresAt), Date.now());
      const expiresAt = nowIso(new Date(from + form.data.days * 86400_000));
      db.transaction(
        () => (
          extendLink(db, link.id, expiresAt),
          audit(db, e.id, actor(req), "link.extended", { vendor: v.name, link: link.id, expiresAt })
        ),
      )();
    } else if (action === "reissue" && link.role === null) {
      inviteVendor(db, config, e, v, req.user!);
    } else throw notFound();
    back(res, `/vendors/${v.id}#links`);
  });

  r.get("/evaluations/:id/vendors/:vid", ...readers, (req, res) => {
    const e = evaluationOf(res);
    const v = vendorOf(req, res);
    const scored = scoreEvaluation(db, e.id)!;
    const shown = presentComparison(scored.result, scored.set, { notKnown: scored.notKnown }).vendors.find(
      (x) => x.id === String(v.id),
    );
    const attachments = listEvidence(db, v.id);
    // Bounded whatever was posted: per question the newest changes, the open clarifications and the newest
    // resolved ones, each thread's newest messages; the question's own page has the rest, paged.
    const history = recentHistory(db, v.id, REVIEW_HISTORY);
    const clarifications = listClarifications(db, v.id, {
      resolvedPerQuestion: REVIEW_RESOLVED,
      messagesPerThread: REVIEW_MESSAGES,
    });
    return renderPage(req, res, "vendors/review", {
      title: `${v.name} — ${e.title}`,
      wide: true,
      vendor: v,
      set: scored.set,
      shown,
      totalLabel: totalLabel(scored.result),
      answers: listAnswers(db, v.id),
      history: history.entries,
      historyCounts: history.counts,
      clarifications,
      resolvedLeftOut: clarifications.resolvedLeftOut,
      links: listLinks(db, v.id),
      attachments,
      errors: {},
      values: {},
    });
  });

  /** One question of a vendor: every change of its answer and every clarification, paged. */
  r.get("/evaluations/:id/vendors/:vid/questions/:key", ...readers, (req, res) => {
    const e = evaluationOf(res);
    const v = vendorOf(req, res);
    const scored = scoreEvaluation(db, e.id)!;
    const found = questionIndex(scored.set).get(String(req.params.key));
    if (!found || !e.roles.includes(found.role)) throw notFound("This question");
    const page = Math.max(0, Math.min(1e6, Number.parseInt(String(req.query.page ?? "0"), 10) || 0));
    const history = historyPage(db, v.id, found.question.key, page, PAGE_SIZE);
    const threads = clarificationPage(db, v.id, found.question.key, page, PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(Math.max(history.total, threads.total) / PAGE_SIZE));
    return renderPage(req, res, "vendors/question", {
      title: `${found.question.text} — ${v.name}`,
      vendor: v,
      q: found.question,
      history,
      threads,
      page,
      pages,
      pageSize: PAGE_SIZE,
    });
  });

  r.get("/evaluations/:id/attachments/:aid", ...readers, (req, res) => {
    const a = findAttachment(db, idParam(req, "aid"));
    const v = a && findVendor(db, a.vendorId);
    if (!a || a.deletedAt || !v || v.evaluationId !== evaluationOf(res).id) throw notFound("This file");
    sendAttachment(res, config, a);
  });

  r.post("/evaluations/:id/vendors/:vid/reopen", ...buyers, (req, res) => {
    const e = evaluationOf(res);
    const v = vendorOf(req, res);
    const form = parseForm(ReopenSchema, req.body);
    if (!form.ok) throw invalid(form.errors, { reason: "Reason" });
    if (v.status !== "submitted") throw badRequest(`${v.name} has not submitted: there is nothing to reopen.`);
    db.transaction(() => {
      reopenVendor(db, v.id, form.data.reason);
      sendWithLink(v, reopenEmail(e, v, form.data.reason, req.user!), "reopened");
      audit(db, e.id, actor(req), "vendor.reopened", { vendor: v.name, reason: form.data.reason });
    })();
    back(res, `/vendors/${v.id}`);
  });

  /**
   * Sends ticked negotiation asks as one revision round: a clarification per question (the ask
   * in words, without the buyer's figures), the questionnaire reopened for those questions only,
   * one email, and every vendor's input kept as round N−1 for the comparison of the two rounds.
   */
  r.post("/evaluations/:id/vendors/:vid/rounds", ...buyers, posting, (req, res) => {
    const e = evaluationOf(res);
    const v = vendorOf(req, res);
    const form = parseForm(RoundSchema, req.body);
    if (!form.ok) throw invalid(form.errors, { keys: "Asks" });
    if (e.status !== "open") throw badRequest("This evaluation is closed: reopen it to send a revision round.");
    if (v.status !== "submitted")
      throw badRequest(`${v.name} has not submitted: send a clarification instead, or wait for its submission.`);
    const scored = scoreEvaluation(db, e.id)!;
    const result = scored.result.vendors.find((x) => x.vendorId === String(v.id));
    const words = result && presentAsks(scored.result, scored.set, result);
    const chosen = [...new Set(form.data.keys)].map((k) => words?.rows.find((a) => a.questionKey === k));
    if (!words || chosen.some((a) => !a))
      throw invalid(
        { keys: "Tick asks from this vendor's list: the figures changed since the page was loaded" },
        { keys: "Asks" },
      );
    const asks = chosen.map((a) => a!);
    const index = questionIndex(scored.set);
    db.transaction(() => {
      const number = openRound(db, {
        evaluationId: e.id,
        vendorId: v.id,
        questionKeys: asks.map((a) => a.questionKey),
        before: vendorInputs(db, e.id),
        userId: req.user!.id,
      });
      for (const a of asks)
        openClarification(db, {
          vendorId: v.id,
          questionKey: a.questionKey,
          visibility: "vendor",
          userId: req.user!.id,
          authorName: req.user!.name,
          body: `Revision round ${number}: ${a.ask}. Your answer today: ${a.today}. Revise this answer if you can; it is reopened until you submit again.`,
        });
      reopenVendor(
        db,
        v.id,
        `revision round ${number} reopens ${asks.length === 1 ? "one question" : `${asks.length} questions`} for you to revise; every other answer stays as submitted.`,
      );
      const list = asks.map((a) => ({ ask: a.ask, question: index.get(a.questionKey)!.question.text }));
      sendWithLink(v, revisionEmail(e, v, number, list, req.user!), "revision_round");
      audit(db, e.id, actor(req), "round.sent", {
        vendor: v.name,
        round: number,
        questions: asks.map((a) => a.questionKey),
      });
    })();
    res.redirect(303, `/evaluations/${e.id}/comparison#rounds`);
  });

  /** Queues a message to the vendor's main contact with its current link. */
  const sendWithLink = (v: Vendor, mail: { subject: string; body: string }, kind: string) => {
    const link = mainLink(db, v.id);
    const token = link && linkToken(link, config.sessionSecret);
    enqueue(db, config, {
      to: v.contactEmail,
      subject: mail.subject,
      body: token ? mail.body : mail.body.replace("{{link}}", "(ask us for a new link)"),
      kind,
      link: token ? linkUrl(config.baseUrl, token) : undefined,
      vendorLinkId: link?.id,
      evaluationId: v.evaluationId,
      vendorId: v.id,
    });
  };

  r.post("/evaluations/:id/vendors/:vid/clarifications", ...buyers, posting, (req, res) => {
    const e = evaluationOf(res);
    const v = vendorOf(req, res);
    const form = parseForm(ClarificationSchema, req.body);
    if (!form.ok) throw invalid(form.errors, { questionKey: "Question", visibility: "Who sees it", body: "Message" });
    const q = questionIndex(scoreEvaluation(db, e.id)!.set).get(form.data.questionKey);
    if (!q) throw invalid({ questionKey: "Choose a question of this questionnaire" }, { questionKey: "Question" });
    const refused = openingRefused(db, v.id, q.question.key);
    if (refused) throw invalid({ body: refused }, { body: "Message" });
    db.transaction(() => {
      const id = openClarification(db, {
        vendorId: v.id,
        questionKey: q.question.key,
        visibility: form.data.visibility,
        userId: req.user!.id,
        authorName: req.user!.name,
        body: form.data.body,
      });
      if (form.data.visibility === "vendor")
        sendWithLink(v, clarificationEmail(e, v, q.question.text, form.data.body, req.user!), "clarification");
      audit(db, e.id, actor(req), "clarification.opened", {
        vendor: v.name,
        question: q.question.key,
        visibility: form.data.visibility,
        id,
      });
    })();
    back(res, `/vendors/${v.id}#q-${q.question.key}`);
  });

  r.post("/evaluations/:id/clarifications/:cid/:action", ...buyers, posting, (req, res) => {
    const e = evaluationOf(res);
    const c = findClarification(db, idParam(req, "cid"));
    const v = c && findVendor(db, c.vendorId);
    if (!c || !v || v.evaluationId !== e.id) throw notFound("This clarification");
    if (req.params.action === "resolve") {
      db.transaction(
        () => (
          resolveClarification(db, c.id, req.user!.id),
          audit(db, e.id, actor(req), "clarification.resolved", { vendor: v.name, question: c.questionKey, id: c.id })
        ),
      )();
    } else if (req.params.action === "reply") {
      const form = parseForm(MessageSchema, req.body);
      if (!form.ok) throw invalid(form.errors, { body: "Reply" });
      const refused = replyRefused(db, c.id);
      if (refused) throw invalid({ body: refused }, { body: "Reply" });
      db.transaction(() => {
        addMessage(db, c.id, {
          authorKind: "buyer",
          userId: req.user!.id,
          authorName: req.user!.name,
          body: form.data.body,
        });
        audit(db, e.id, actor(req), "clarification.replied", { vendor: v.name, question: c.questionKey, id: c.id });
      })();
    } else throw notFound();
    back(res, `/vendors/${v.id}#q-${c.questionKey}`);
  });
  return r;
}
