import { Router } from "express";
import type { Db } from "../db/index.js";
import { evaluationOf, loadEvaluation, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import { cursorOf, pageLink, pageOf } from "../web/paging.js";
import { auditActions, listAudit } from "./repo.js";
import { listUserNames } from "../auth/users.js";
import { listLinksOfEvaluation, listVendors } from "../vendors/repo.js";
import { getQuestionSet } from "../questions/repo.js";
import { actorName, describeEntry, type AuditNames } from "./describe.js";

/** The audit log of an evaluation, filtered by action and actor. */
export function auditRoutes(db: Db) {
  const r = Router();
  r.get("/evaluations/:id/audit", requireUser, loadEvaluation(db), (req, res) => {
    const e = evaluationOf(res);
    const filter = {
      action: String(req.query.action ?? "").slice(0, 100),
      actor: String(req.query.actor ?? "").slice(0, 100),
    };
    const cursor = cursorOf(req, 100);
    const page = pageOf(
      listAudit(db, { evaluationId: e.id, ...filter, before: cursor.before, limit: cursor.size + 1 }),
      cursor,
    );
    const entries = page.rows;
    const actions = auditActions(db, e.id);
    const vendors = new Map(listVendors(db, e.id).map((v) => [v.id, v.name]));
    const names: AuditNames = {
      users: new Map(listUserNames(db).map((u) => [`user:${u.id}`, u.name])),
      vendors,
      questions: new Map(
        getQuestionSet(db, e.questionSetId).sections.flatMap((s) => s.questions.map((q) => [q.key, q.text])),
      ),
      links: new Map(
        listLinksOfEvaluation(db, e.id).map((l) => [
          l.id,
          { holderName: l.holderName, vendorName: vendors.get(l.vendorId) ?? "" },
        ]),
      ),
    };
    const described = entries.map((x) => ({
      ...x,
      who: actorName(x.actor, names),
      what: describeEntry(x.action, x.detail, names),
    }));
    return renderPage(req, res, "audit/list", {
      title: `Audit log — ${e.title}`,
      entries: described,
      actions,
      filter,
      pager: {
        newer: page.newest ? undefined : pageLink(req, undefined),
        older: page.older === undefined ? undefined : pageLink(req, page.older),
      },
    });
  });
  return r;
}
