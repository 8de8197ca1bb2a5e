import type { NextFunction, Request, Response } from "express";
import type { Config } from "../config.js";
import { nowIso, qualified, sql, type Db } from "../db/index.js";
import { hashToken, newToken } from "../crypto.js";
import { evaluationColumns, type EvaluationRow } from "../evaluations/repo.js";
import { linkColumns, type VendorLink } from "../vendors/links.js";
import { vendorColumns, type VendorRow } from "../vendors/repo.js";
import { userColumns, type User } from "./users.js";

export const SESSION_COOKIE = "tc_session";

export interface SessionRow {
  id: string;
  userId: number | null;
  vendorLinkId: number | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export interface SessionOptions {
  idleMinutes: number;
  maxHours: number;
  secure: boolean;
}

export function sessionOptions(config: Config): SessionOptions {
  return { idleMinutes: config.SESSION_IDLE_MINUTES, maxHours: config.SESSION_MAX_HOURS, secure: config.baseUrl.startsWith("https:") };
}

/** Starts a session for a user or a vendor link and sets its cookie; any session already on the request ends (renewal). */
export function startSession(db: Db, req: Request, res: Response, who: { userId: number } | { vendorLinkId: number }, opts: SessionOptions, maxHours = opts.maxHours): string {
  endSession(db, req, res, opts);
  const raw = newToken(32);
  const now = new Date();
  db.prepare("INSERT INTO sessions (id, user_id, vendor_link_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)").run(
    hashToken(raw), "userId" in who ? who.userId : null, "vendorLinkId" in who ? who.vendorLinkId : null, nowIso(now), nowIso(now), nowIso(new Date(now.getTime() + maxHours * 3600_000)),
  );
  res.cookie(SESSION_COOKIE, raw, { httpOnly: true, sameSite: "lax", secure: opts.secure, path: "/", maxAge: maxHours * 3600_000 });
  req.sessionRaw = raw;
  return raw;
}

/** Ends the request's session, if any, and clears its cookie. */
export function endSession(db: Db, req: Request, res: Response, opts: SessionOptions): void {
  const raw = req.cookies?.[SESSION_COOKIE] as string | undefined;
  if (raw) db.prepare("DELETE FROM sessions WHERE id = ?").run(hashToken(raw));
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "lax", secure: opts.secure, path: "/" });
  req.session = undefined;
  req.user = undefined;
  req.sessionRaw = undefined;
}

/** A vendor session's link with its vendor, evaluation and the hash of its question set version, as read with the session. */
export interface VendorSessionRows {
  link: VendorLink;
  vendor: VendorRow;
  evaluation: EvaluationRow;
  setHash: string;
}

type Joined = {
  sessions: SessionRow;
  users: User & { id: number | null };
  vendor_links: VendorLink & { id: number | null };
  vendors: VendorRow;
  evaluations: EvaluationRow;
  question_sets: { hash: string };
};

/**
 * Loads the session named by the cookie: expired (idle or absolute) sessions are removed; last-seen
 * is refreshed at most once a minute. One query reads the session with what it opens: a buyer's
 * account, or a vendor link with its vendor and evaluation (for the portal, see portal/access.ts).
 */
export function loadSession(db: Db, opts: SessionOptions) {
  // expand(): each table's columns come back as an object under the table's name; tables a session does not open are all null.
  const find = sql(db, `SELECT ${qualified("s", "id, user_id AS userId, vendor_link_id AS vendorLinkId, created_at AS createdAt, last_seen_at AS lastSeenAt, expires_at AS expiresAt")},
      ${qualified("u", userColumns)}, ${qualified("l", linkColumns)}, ${qualified("v", vendorColumns)}, ${qualified("e", evaluationColumns)}, q.content_hash AS hash
    FROM sessions s LEFT JOIN users u ON u.id = s.user_id LEFT JOIN vendor_links l ON l.id = s.vendor_link_id LEFT JOIN vendors v ON v.id = l.vendor_id
      LEFT JOIN evaluations e ON e.id = v.evaluation_id LEFT JOIN question_sets q ON q.id = e.question_set_id
    WHERE s.id = ?`).expand(true);
  const touch = db.prepare("UPDATE sessions SET last_seen_at = ? WHERE id = ?");
  const remove = db.prepare("DELETE FROM sessions WHERE id = ?");
  return (req: Request, _res: Response, next: NextFunction) => {
    const raw = req.cookies?.[SESSION_COOKIE] as string | undefined;
    if (!raw || raw.length > 100) return next();
    const joined = find.get(hashToken(raw)) as Joined | undefined;
    if (!joined) return next();
    const row = joined.sessions;
    const now = Date.now();
    if (Date.parse(row.expiresAt) <= now || now - Date.parse(row.lastSeenAt) > opts.idleMinutes * 60_000) {
      remove.run(row.id);
      return next();
    }
    if (now - Date.parse(row.lastSeenAt) > 60_000) touch.run(nowIso(), row.id);
    req.session = row;
    req.sessionRaw = raw;
    if (row.userId !== null && joined.users.id !== null && !joined.users.disabledAt) req.user = joined.users;
    if (row.vendorLinkId !== null && joined.vendor_links.id !== null && joined.vendors.id !== null)
      req.vendorSession = { link: joined.vendor_links as VendorLink, vendor: joined.vendors, evaluation: joined.evaluations, setHash: joined.question_sets.hash };
    next();
  };
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      session?: SessionRow;
      sessionRaw?: string;
      user?: User;
      vendorSession?: VendorSessionRows;
    }
  }
}
