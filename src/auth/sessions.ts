import type { NextFunction, Request, Response } from "express";
import type { Config } from "../config.js";
import { nowIso, sql, type Db } from "../db/index.js";
import { hashToken, newToken } from "../crypto.js";
import { isBusy, isDiskFull } from "../db/faults.js";
import { findUser, type User } from "./users.js";

/** The session cookie's name: on https with the __Host- prefix (secure, this host only, path /, so no subdomain can set or shadow it). */
function sessionCookie(secure: boolean): string {
  return secure ? "__Host-tc_session" : "tc_session";
}

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
  return {
    idleMinutes: config.SESSION_IDLE_MINUTES,
    maxHours: config.SESSION_MAX_HOURS,
    secure: config.baseUrl.startsWith("https:"),
  };
}

/** Starts a session for a user or a vendor link and sets its cookie; any session already on the request ends (renewal). */
export function startSession(
  db: Db,
  req: Request,
  res: Response,
  who: { userId: number } | { vendorLinkId: number },
  opts: SessionOptions,
  maxHours = opts.maxHours,
): string {
  endSession(db, req, res, opts);
  const raw = newToken(32);
  const now = new Date();
  db.prepare(
    "INSERT INTO sessions (id, user_id, vendor_link_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(
    hashToken(raw),
    "userId" in who ? who.userId : null,
    "vendorLinkId" in who ? who.vendorLinkId : null,
    nowIso(now),
    nowIso(now),
    nowIso(new Date(now.getTime() + maxHours * 3600_000)),
  );
  res.cookie(sessionCookie(opts.secure), raw, {
    httpOnly: true,
    sameSite: "lax",
    secure: opts.secure,
    path: "/",
    maxAge: maxHours * 3600_000,
  });
  req.sessionRaw = raw;
  return raw;
}

/** Ends the request's session, if any, and clears its cookie. */
export function endSession(db: Db, req: Request, res: Response, opts: SessionOptions): void {
  const raw = req.cookies?.[sessionCookie(opts.secure)] as string | undefined;
  if (raw) db.prepare("DELETE FROM sessions WHERE id = ?").run(hashToken(raw));
  res.clearCookie(sessionCookie(opts.secure), { httpOnly: true, sameSite: "lax", secure: opts.secure, path: "/" });
  req.session = undefined;
  req.user = undefined;
  req.sessionRaw = undefined;
}

const SESSION_COLUMNS =
  "id, user_id AS userId, vendor_link_id AS vendorLinkId, created_at AS createdAt, last_seen_at AS lastSeenAt, expires_at AS expiresAt";

/**
 * Loads the session named by the cookie, and its user for a buyer's session: expired (idle or
 * absolute) sessions are removed; last-seen is refreshed at most once a minute. A vendor session
 * names its link only: the portal loads its own context (portal/access.ts).
 */
export function loadSession(db: Db, opts: SessionOptions) {
  const cookie = sessionCookie(opts.secure);
  return (req: Request, _res: Response, next: NextFunction) => {
    const raw = req.cookies?.[cookie] as string | undefined;
    if (!raw || raw.length > 100) return next();
    const row = sql(db, `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`).get(hashToken(raw)) as
      SessionRow | undefined;
    // A cookie whose session is gone (expired, signed out elsewhere, its link revoked): the request is told so.
    if (!row) return ((req.sessionEnded = true), next());
    const now = Date.now();
    if (Date.parse(row.expiresAt) <= now || now - Date.parse(row.lastSeenAt) > opts.idleMinutes * 60_000) {
      bestEffort(() => sql(db, "DELETE FROM sessions WHERE id = ?").run(row.id));
      req.sessionEnded = true;
      return next();
    }
    // Last seen is a courtesy: a locked or full database does not refuse a read for it.
    if (now - Date.parse(row.lastSeenAt) > 60_000)
      bestEffort(() => sql(db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?").run(nowIso(), row.id));
    req.session = row;
    req.sessionRaw = raw;
    if (row.userId !== null) {
      const user = findUser(db, row.userId);
      if (user && !user.disabledAt) req.user = user;
    }
    next();
  };
}

/** Runs a write that may be skipped when the database is locked or full. */
function bestEffort(write: () => unknown): void {
  try {
    write();
  } catch (err) {
    if (!isBusy(err) && !isDiskFull(err)) throw err;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      session?: SessionRow;
      sessionRaw?: string;
      user?: User;
      /** The request carried a session cookie whose session has ended. */
      sessionEnded?: boolean;
    }
  }
}

/** Ends every session of a user (a new password signs out everywhere). */
export function endSessionsOf(db: Db, userId: number): void {
  sql(db, "DELETE FROM sessions WHERE user_id = ?").run(userId);
}

/** Removes sessions past their absolute expiry. */
export function purgeExpiredSessions(db: Db, now = new Date()): void {
  sql(db, "DELETE FROM sessions WHERE expires_at < ?").run(nowIso(now));
}
