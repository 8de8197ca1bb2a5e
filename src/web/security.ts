import type { NextFunction, Request, RequestHandler, Response } from "express";
import { doubleCsrf } from "csrf-csrf";
import { rateLimit, ipKeyGenerator } from "express-rate-limit";
import type { Config } from "../config.js";
import { newToken } from "../crypto.js";

const anonCookie = (secure: boolean) => (secure ? "__Host-tc_anon" : "tc_anon");

/** Gives a visitor without a session a random id, so that forms before sign-in carry a CSRF token too. */
export function anonymousId(secure: boolean) {
  const name = anonCookie(secure);
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.sessionRaw && !req.cookies?.[name]) {
      const id = newToken(16);
      res.cookie(name, id, { httpOnly: true, sameSite: "lax", secure, path: "/" });
      req.cookies[name] = id;
    }
    next();
  };
}

/**
 * Headers every dynamic answer carries beside helmet's: no browser feature the app does not use
 * (Permissions-Policy), and nothing kept by a browser or proxy cache (Cache-Control: no-store):
 * pages and files shown to a signed-in user or a vendor are theirs alone.
 */
const PERMISSIONS =
  "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()";
export function privateHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader("Permissions-Policy", PERMISSIONS);
  res.setHeader("Cache-Control", "no-store");
  next();
}

/** Sent with a sign-out: the browser drops what it cached and stored for the site (cookies are cleared one by one, see auth/routes.ts). */
export const CLEAR_SITE_DATA = '"cache", "storage"';

/**
 * CSRF protection on every state change (double-submit cookie bound to the session, by csrf-csrf):
 * forms send _csrf, scripts the x-csrf-token header.
 */
export function csrf(config: Config) {
  const secure = config.baseUrl.startsWith("https:");
  const cookieName = secure ? "__Host-tc.csrf" : "tc_csrf";
  const cookieOptions = { sameSite: "lax", secure, httpOnly: true, path: "/" } as const;
  const sessionOf = (req: Request) => req.sessionRaw ?? (req.cookies?.[anonCookie(secure)] as string | undefined) ?? "";
  // Scripts send the header (which no other site can set); forms send the field.
  const sentToken = (req: Request) =>
    req.headers["x-csrf-token"] ??
    (req.is("application/x-www-form-urlencoded") || req.is("multipart/form-data") ? req.body?._csrf : undefined);
  // Evidence and workbook uploads are multipart: their routes check the token once multer has read the body.
  const skipped = (req: Request) =>
    req.method === "POST" &&
    (/^\/portal\/questions\/\w+\/files$/.test(req.path) ||
      req.path === "/portal/workbook" ||
      req.path === "/portal/answer-pack" ||
      req.path === "/library/import" ||
      /^\/evaluations\/\d+\/vendors\/\d+\/workbook$/.test(req.path)) &&
    !!req.is("multipart/form-data");
  // Methods that change nothing carry no token.
  const ignoredMethods = ["GET", "HEAD", "OPTIONS"] as const;
  const protection = doubleCsrf({
    ignoredMethods: [...ignoredMethods],
    getSecret: () => config.sessionSecret,
    getSessionIdentifier: sessionOf,
    cookieName,
    cookieOptions,
    getCsrfTokenFromRequest: sentToken,
    skipCsrfProtection: skipped,
  });

  // csrf-csrf sets its cookie again with every token it gives, even one it reuses from the cookie:
  // a page sets the cookie only when the token changes.
  const untouched = { cookie: () => untouched } as unknown as Response;
  const pageToken = (req: Request, res: Response): string => {
    const token = protection.generateCsrfToken(req, untouched);
    if (token !== req.cookies?.[cookieName]) res.cookie(cookieName, token, cookieOptions);
    return token;
  };
  // csrf-csrf's doubleCsrfProtection, with pages' tokens made by pageToken: every state change is verified.
  const doubleCsrfProtection = (req: Request, res: Response, next: NextFunction) => {
    req.csrfToken = () => pageToken(req, res);
    if ((ignoredMethods as readonly string[]).includes(req.method) || skipped(req)) return next();
    if (!protection.validateRequest(req)) return next(protection.invalidCsrfTokenError);
    next();
  };
  return { ...protection, doubleCsrfProtection };
}

/** A limiter per client address, answering 429 through the error middleware; `failuresOnly` counts only refused requests. */
export function limitByAddress(windowMinutes: number, limit: number, message: string, failuresOnly = false) {
  return rateLimit({
    windowMs: windowMinutes * 60_000,
    limit,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    skipSuccessfulRequests: failuresOnly,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? "unknown"),
    handler: (_req, _res, next) => next(Object.assign(new Error(message), { status: 429, expose: true })),
  });
}

/**
 * A limiter per caller (the signed-in user, the API token's user, or the vendor link), answering 429
 * through the error middleware with `message`. For exports: cheap to serve once, costly to serve
 * without end.
 */
export function limitByCaller(windowMinutes: number, limit: number, message: string) {
  return rateLimit({
    windowMs: windowMinutes * 60_000,
    limit,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: (req) =>
      req.user
        ? `user:${req.user.id}`
        : req.session?.vendorLinkId != null
          ? `link:${req.session.vendorLinkId}`
          : `address:${ipKeyGenerator(req.ip ?? "unknown")}`,
    handler: (_req, _res, next) => next(Object.assign(new Error(message), { status: 429, expose: true })),
  });
}

/** Messages (clarifications, replies, comments) one caller may post in ten minutes, all kinds together. */
const POSTS_PER_10_MIN = 60;
const postLimits = new WeakMap<object, RequestHandler>();

/** The one limiter of posted messages for an app (keyed by its database): every route that posts one shares its count. */
export function postLimit(db: object): RequestHandler {
  let l = postLimits.get(db);
  if (!l)
    postLimits.set(
      db,
      (l = limitByCaller(
        10,
        POSTS_PER_10_MIN,
        "You have posted many messages in a short time. Wait a few minutes, then send it again: your browser keeps what you typed when you go back.",
      )),
    );
  return l;
}
