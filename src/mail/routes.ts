import { Router } from "express";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { notFound } from "../errors.js";
import { listEvaluations } from "../evaluations/repo.js";
import { idParam, requireRole, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import { cursorOf, pageLink, pageOf } from "../web/paging.js";
import { findMessage, kindLabel, listOutbox, renderBody, retryMessage } from "./outbox.js";

/** The outbox: every message with its state; without SMTP_URL, where invitation links are copied from. */
export function outboxRoutes(db: Db, config: Config) {
  const r = Router();
  const visible = (userId: number, role: string) =>
    role === "admin" ? undefined : listEvaluations(db, { memberId: userId, limit: 10_000 }).map((e) => e.id);
  r.get("/outbox", requireUser, requireRole("admin", "buyer"), (req, res) => {
    const cursor = cursorOf(req, 100);
    const page = pageOf(
      listOutbox(db, {
        evaluationIds: visible(req.user!.id, req.user!.role),
        before: cursor.before,
        limit: cursor.size + 1,
      }),
      cursor,
    );
    const messages = page.rows.map((m) => ({
      ...m,
      kindLabel: kindLabel(m.kind),
      ...renderBody(db, config.sessionSecret, m),
    }));
    return renderPage(req, res, "outbox/list", {
      title: "Outbox",
      messages,
      smtp: !!config.SMTP_URL,
      scripts: ["copy.js"],
      pager: {
        newer: page.newest ? undefined : pageLink(req, undefined),
        older: page.older === undefined ? undefined : pageLink(req, page.older),
      },
    });
  });
  r.post("/outbox/:mid/retry", requireUser, requireRole("admin", "buyer"), (req, res) => {
    const m = findMessage(db, idParam(req, "mid"));
    const ids = visible(req.user!.id, req.user!.role);
    if (!m || (ids && (m.evaluationId === null || !ids.includes(m.evaluationId)))) throw notFound("This message");
    retryMessage(db, m.id, !!config.SMTP_URL);
    res.redirect(303, "/outbox");
  });
  return r;
}
