import type { NextFunction, Request, Response } from "express";
import { doubleCsrf } from "csrf-csrf";
import { rateLimit, ipKeyGenerator } from "express-rate-limit";
import type { Config } from "../config.js";
import { newToken } from "../crypto.js";

const ANON_COOKIE = "tc_anon";

/** Gives a visitor without a session a random id, so that forms before sign-in carry a CSRF token too. */
export function anonymousId(secure: boolean) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.sessionRaw && !req.cookies?.[ANON_COOKIE]) {
      const id = newToken(16);
      res.cookie(ANON_COOKIE, id, { httpOnly: true, sameSite: "lax", secure, path: "/" });
      req.cookies[ANON_COOKIE] = id;
    }
    next();
  };
}

/** CSRF protection on every state change (double-submit cookie bound to the session): forms send _csrf, scripts the x-csrf-token header. */
export function csrf(config: Config) {
  const secure = config.baseUrl.startsWith("https:");
  const cookieName = secure ? "__Host-tc.csrf" : "tc_csrf";
  const cookieOptions = { sameSite: "lax", secure, httpOnly: true, path: "/" } as const;
  const protection = doubleCsrf({
    getSecret: () => config.sessionSecret,
    getSessionIdentifier: (req) => req.sessionRaw ?? (req.cookies?.[ANON_COOKIE] as string | undefined) ?? "",
    cookieName,
    cookieOptions,
    // Scripts send the header (which no other site can set); forms send the field.
    getCsrfTokenFromRequest: (req) => req.headers["x-csrf-token"] ?? (req.is("application/x-www-form-urlencoded") || req.is("multipart/form-data") ? req.body?._csrf : undefined),
    // Evidence uploads are multipart: their route checks the token once multer has read the body.
    skipCsrfProtection: (req) => req.method === "POST" && /^\/portal\/questions\/\w+\/files$/.test(req.path) && !!req.is("multipart/form-data"),
  });
  // csrf-csrf sets its cookie again with every token it gives, even one it reuses from the cookie:
  // a page sets the cookie only when the token changes.
  const untouched = { cookie: () => untouched } as unknown as Response;
  const pageToken = (req: Request, res: Response) => {
    const token = protection.generateCsrfToken(req, untouched);
    if (token !== req.cookies?.[cookieName]) res.cookie(cookieName, token, cookieOptions);
    return token;
  };
  const doubleCsrfProtection = (req: Request, res: Response, next: NextFunction) =>
    protection.doubleCsrfProtection(req, res, (err?: unknown) => {
      req.csrfToken = () => pageToken(req, res);
      next(err);
    });
  return { ...protection, doubleCsrfProtection };
}

/** A limiter per client address, answering 429 through the error middleware; `failuresOnly` counts only refused requests. */
export function limitByAddress(windowMinutes: number, limit: number, message: string, failuresOnly = false) {
  return rateLimit({
    windowMs: windowMinutes * 60_000, limit, standardHeaders: "draft-8", legacyHeaders: false, skipSuccessfulRequests: failuresOnly,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? "unknown"),
    handler: (_req, _res, next) => next(Object.assign(new Error(message), { status: 429, expose: true })),
  });
}
