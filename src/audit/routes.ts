import { Router } from "express";
import type { Db } from "../db/index.js";
import { evaluationOf, loadEvaluation, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import { cursorOf, pageLink, pageOf } from "../web/paging.js";
import { auditActions, listAudit } from "./repo.js";
import { listUserNames } from "../auth/users.js";

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
    const names = new Map(listUserNames(db).map((u) => [`user:${u.id}`, u.name]));
    return renderPage(req, res, "audit/list", {
      title: `Audit log — ${e.title}`,
      entries,
      actions,
      filter,
      names,
      pager: {
        newer: page.newest ? undefined : pageLink(req, undefined),
        older: page.older === undefined ? undefined : pageLink(req, page.older),
      },
    });
  });
  return r;
}
