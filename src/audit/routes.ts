import { Router } from "express";
import type { Db } from "../db/index.js";
import { evaluationOf, loadEvaluation, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import { listAudit } from "./repo.js";

/** The audit log of an evaluation, filtered by action and actor. */
export function auditRoutes(db: Db) {
  const r = Router();
  r.get("/evaluations/:id/audit", requireUser, loadEvaluation(db), (req, res) => {
    const e = evaluationOf(res);
    const filter = { action: String(req.query.action ?? "").slice(0, 100), actor: String(req.query.actor ?? "").slice(0, 100) };
    const entries = listAudit(db, { evaluationId: e.id, ...filter, limit: 1000 });
    const actions = db.prepare("SELECT DISTINCT action FROM audit_log WHERE evaluation_id = ? ORDER BY action").pluck().all(e.id) as string[];
    const names = new Map((db.prepare("SELECT id, name FROM users").all() as { id: number; name: string }[]).map((u) => [`user:${u.id}`, u.name]));
    return renderPage(req, res, "audit/list", { title: `Audit log — ${e.title}`, entries, actions, filter, names });
  });
  return r;
}
