import type { NextFunction, Request, Response } from "express";
import type { UserRole } from "../auth/users.js";
import type { Db } from "../db/index.js";
import { forbidden, notFound, unauthorized } from "../errors.js";
import { findEvaluation, isMember, type Evaluation } from "../evaluations/repo.js";
import { wantsJson } from "./render.js";

/** Signed-in users only; a page request without a session goes to the login page and comes back. */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (req.user) return next();
  if (!wantsJson(req) && req.method === "GET")
    return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
  next(unauthorized());
}

const ROLE_NAMES: Record<UserRole, string> = {
  admin: "administrators",
  buyer: "buyers",
  committee: "committee members",
};

/** Users with one of the roles; the refusal says who may. */
export function requireRole(...roles: UserRole[]) {
  const who = roles.map((r) => ROLE_NAMES[r]).join(" and ");
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user) return next(unauthorized());
    if (!roles.includes(req.user.role)) return next(forbidden(`Only ${who} can do this.`));
    next();
  };
}

/** Loads :id as the evaluation and checks the user may see it: admins see all, others those they are members of. */
export function loadEvaluation(db: Db) {
  return (req: Request, res: Response, next: NextFunction) => {
    const id = Number(req.params.id);
    const e = Number.isInteger(id) && id > 0 ? findEvaluation(db, id) : undefined;
    if (!e || !req.user || (req.user.role !== "admin" && !isMember(db, e.id, req.user.id)))
      return next(notFound("This evaluation"));
    res.locals.evaluation = e;
    next();
  };
}

/** The evaluation loadEvaluation found. */
export function evaluationOf(res: Response): Evaluation {
  return res.locals.evaluation as Evaluation;
}

/** Parses a positive integer route parameter, or 404. */
export function idParam(req: Request, name: string): number {
  const v = Number(req.params[name]);
  if (!Number.isInteger(v) || v < 1) throw notFound();
  return v;
}
