import cookieParser from "cookie-parser";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import helmet from "helmet";
import { adminRoutes } from "./admin/routes.js";
import { apiRoutes } from "./api/routes.js";
import { auditRoutes } from "./audit/routes.js";
import { useAuditKey } from "./audit/anchor.js";
import { comparisonRoutes } from "./comparison/routes.js";
import { authRoutes } from "./auth/routes.js";
import { loadSession, sessionOptions } from "./auth/sessions.js";
import { createSso } from "./auth/sso.js";
import { FLAG_LABELS, SEAT_LABELS } from "./domain.js";
import { evaluationRoutes } from "./evaluations/routes.js";
import { libraryRoutes } from "./library/routes.js";
import { editorRoutes } from "./library/editor-routes.js";
import { outboxRoutes } from "./mail/routes.js";
import { formatAnswer } from "./questions/format-answer.js";
import { vendorRoutes } from "./vendors/routes.js";
import { portalRoutes } from "./portal/routes.js";
import { submissionRoutes } from "./portal/submission-routes.js";
import { workbookRoutes } from "./portal/workbook-routes.js";
import { vendorWorkbookRoutes } from "./vendors/workbook-routes.js";
import { anonymousId, csrf, privateHeaders } from "./web/security.js";
import { requestLog } from "./web/request-log.js";
import { applyReportFont, type Config } from "./config.js";
import { dbAnswers, type Db } from "./db/index.js";
import { AppError, notFound } from "./errors.js";
import { isBusy, isDiskFull } from "./db/faults.js";
import type { Logger } from "./logger.js";
import { PUBLIC_DIR, VIEWS_DIR } from "./paths.js";
import { renderTemplate, viewOptions } from "./web/templates.js";
import { renderPage, wantsJson } from "./web/render.js";
import * as format from "./format.js";

export interface AppDeps {
  db: Db;
  config: Config;
  logger: Logger;
  /** How long asking for a report waits for it before showing its progress page (1 s). */
  reportProgressAfterMs?: number;
}

/** Builds the Express app; it does not listen. */
export function buildApp(deps: AppDeps): express.Express {
  applyReportFont(deps.config);
  const anchor = useAuditKey(deps.db, deps.config.auditKey);
  if (anchor.anchored === "refused")
    deps.logger.error(`audit log not anchored: ${anchor.reason}; run "truecost audit verify"`);
  const app = express();
  // Pages render through web/templates.ts (renderPage); Express's own app.render compiles alike.
  app.set("views", VIEWS_DIR);
  app.set("view engine", "ejs");
  app.set("view cache", viewOptions.cache);
  app.set("view options", viewOptions);
  app.set("trust proxy", deps.config.TRUST_PROXY);
  app.disable("x-powered-by");
  // Pages carry per-session CSRF tokens and answers change by the second: an ETag (a SHA-1 of every
  // body, by default) would never match, and costs every response.
  app.set("etag", false);
  app.locals.format = format;
  app.locals.formatAnswer = formatAnswer;
  app.locals.flagLabels = FLAG_LABELS;
  app.locals.seatLabels = SEAT_LABELS;
  app.locals.uploadMaxMb = deps.config.UPLOAD_MAX_MB;
  app.locals.partial = renderTemplate;

  app.use(
    chain(
      requestLog(deps.logger),
      helmet({
        contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(deps.config) },
        strictTransportSecurity: deps.config.baseUrl.startsWith("https:"),
      }),
    ),
  );
  app.use("/static", express.static(PUBLIC_DIR, { maxAge: "1h", index: false }));
  app.use("/static", (_req, _res, next) => next(notFound()));
  app.get("/favicon.ico", (_req, res) => res.status(204).end());

  app.get("/healthz", (_req, res) => {
    res.json({ status: dbAnswers(deps.db) ? "ok" : "degraded", database: "ok" });
  });
  const { db, config } = deps;
  const sessions = sessionOptions(config);
  const { doubleCsrfProtection, validateRequest } = csrf(config);
  // Every request but static files and health checks: its body, cookies, session and CSRF check, in this order.
  app.use(
    chain(
      privateHeaders,
      bodyParser(),
      cookieParser(),
      loadSession(db, sessions),
      anonymousId(sessions.secure),
      doubleCsrfProtection,
    ),
  );

  app.get("/", (req, res) =>
    req.user ? res.redirect(303, "/evaluations") : renderPage(req, res, "home", { title: "Truecost" }),
  );
  // The vendor portal first: its autosave is the busiest route, and Express tries routes in order.
  app.use(portalRoutes(db, config));
  app.use(submissionRoutes(db, config, validateRequest));
  app.use(workbookRoutes(db, config, validateRequest));
  const sso = createSso(db, config);
  if (sso) app.use(sso.routes);
  app.use(authRoutes(db, config, sso));
  app.use(apiRoutes(db));
  app.use(evaluationRoutes(db));
  app.use(vendorRoutes(db, config));
  app.use(vendorWorkbookRoutes(db, validateRequest));
  app.use(comparisonRoutes(db, config, deps.reportProgressAfterMs));
  app.use(auditRoutes(db));
  app.use(libraryRoutes(db));
  app.use(editorRoutes(db, validateRequest));
  app.use(outboxRoutes(db, config));
  app.use(adminRoutes(db, config));

  app.use((_req, _res, next) => next(notFound()));
  app.use(errorHandler(deps.logger, deps.config.dataDir));
  return app;
}

/**
 * Middleware run in order as one router layer: what every request passes costs one layer's
 * matching instead of one each. An error (or a middleware throwing) goes to the error handler.
 */
function chain(...steps: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err) return next(err);
      const mw = steps[i++];
      if (!mw) return next();
      try {
        const r = mw(req, res, step) as unknown;
        if (r instanceof Promise) r.catch(next);
      } catch (e) {
        next(e);
      }
    };
    step();
  };
}

/**
 * The request body by its media type: JSON (the autosave) or a form; multipart is left to the
 * upload route's multer, any other type to the route (which finds no body). The media type is read
 * once, here: given a type each, body-parser's parsers would each match the header with type-is,
 * about 5 µs of an autosave. Methods without a body (GET, HEAD) skip it all.
 */
function bodyParser(): RequestHandler {
  const json = express.json({ limit: "256kb", type: () => true });
  const form = express.urlencoded({ extended: false, limit: "256kb", parameterLimit: 2000, type: () => true });
  return (req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    const type = req.headers["content-type"]?.split(";", 1)[0]!.trim().toLowerCase();
    if (type === "application/json") return json(req, res, next);
    if (type === "application/x-www-form-urlencoded") return form(req, res, next);
    next();
  };
}

/** A strict policy: no inline scripts or styles, nothing from other origins (forms may lead to the SSO provider's sign-out). */
function cspDirectives(config: Config) {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: config.OIDC_ISSUER ? ["'self'", new URL(config.OIDC_ISSUER).origin] : ["'self'"],
    frameAncestors: ["'none'"],
  };
}

/** What the user is told of a fault from outside the request, with its id, status and when to try again. */
function faultOf(err: unknown, req: Request): { id: string; message: string; retryAfter: number } | undefined {
  const what = req.path.includes("/files") ? "Evidence file: not stored" : "Not saved";
  const kept = req.path.includes("/files")
    ? "Attach it again"
    : "What you typed is still on the page (go back if it is not): send it again";
  if (isDiskFull(err))
    return {
      id: "disk_full",
      retryAfter: 60,
      message: `${what}: the server is out of disk space, so nothing was written. ${kept} later; the operator has been told.`,
    };
  if (isBusy(err))
    return {
      id: "busy",
      retryAfter: 2,
      message: `${what}: the server is busy (its database is held by another process), so nothing was written. ${kept} in a moment.`,
    };
  return undefined;
}

/** One error middleware: a page for HTML, JSON for JSON; above 499 the message is logged, not shown. */
function errorHandler(logger: Logger, dataDir: string) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const fault = faultOf(err, req);
    if (fault) {
      if (fault.id === "disk_full")
        logger.error(
          { url: req.originalUrl, code: (err as { code?: string }).code },
          `disk full: no space left for ${dataDir}; writes are refused until space is freed`,
        );
      else
        logger.warn({ url: req.originalUrl }, "database busy: a write waited for another process's lock and gave up");
      if (res.headersSent) return;
      res.set("Retry-After", String(fault.retryAfter));
    }
    const ended = (err as { code?: string }).code === "EBADCSRFTOKEN" && req.sessionEnded;
    const status = fault ? 503 : ended ? 401 : err instanceof AppError ? err.status : httpStatusOf(err);
    const id =
      fault?.id ??
      (ended ? "session_ended" : err instanceof AppError ? err.id : status === 500 ? "internal" : "bad_request");
    const message =
      fault?.message ??
      (ended
        ? sessionEndedMessage(req)
        : status >= 500
          ? "Something went wrong on our side, and what you sent may not have been saved. Go back, check it, and try again."
          : err instanceof AppError
            ? err.message
            : publicMessage(err, status));
    if (status >= 500 && !fault) logger.error({ err, url: req.originalUrl }, "request failed");
    if (res.headersSent) return;
    const fields =
      err instanceof AppError
        ? err.fields
        : (err as { type?: string }).type === "entity.parse.failed"
          ? { body: "is not valid JSON" }
          : undefined;
    if (wantsJson(req)) {
      res.status(status).json({
        error: { id, message, ...(fields ? { fields } : {}), ...(fault ? { retryAfter: fault.retryAfter } : {}) },
      });
      return;
    }
    renderPage(
      req,
      res,
      "error",
      { title: status === 404 ? "Not found" : status === 401 ? "Session ended" : "Error", status, message },
      status,
    ).catch((renderErr) => {
      logger.error({ err: renderErr }, "error page failed");
      res.status(status).type("text").send(message);
    });
  };
}

/** A session that ended (idle, too old, revoked) before a form was sent: say so, and how to go on. */
function sessionEndedMessage(req: Request): string {
  return req.path.startsWith("/portal")
    ? "Your session ended, so this was not saved. Open your link again (from the invitation email) to go on: everything you saved before is kept."
    : "Your session ended, so this was not saved. Sign in again, then go back and send it again.";
}

/** Status of errors raised by body parsers, multer and the like. */
function httpStatusOf(err: unknown): number {
  if ((err as { name?: string }).name === "MulterError")
    return (err as { code?: string }).code === "LIMIT_FILE_SIZE" ? 413 : 400;
  const s =
    (err as { status?: unknown; statusCode?: unknown } | null)?.status ??
    (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === "number" && s >= 400 && s < 600 ? s : 500;
}

function publicMessage(err: unknown, status: number): string {
  if ((err as { code?: string }).code === "EBADCSRFTOKEN")
    return "This form expired or was opened in another session. Go back, reload the page and send it again — your browser keeps what you typed when you go back.";
  if ((err as { code?: string }).code === "LIMIT_FILE_SIZE")
    return "Evidence file: it is larger than the size allowed for one file. Attach a smaller file, or split it.";
  if ((err as { name?: string }).name === "MulterError")
    return "Evidence file: the upload could not be read. Attach one file with the form's Upload button.";
  if (status === 413) return "What you sent is too large.";
  if (status === 429)
    return err instanceof Error ? err.message : "Too many requests. Wait a few minutes and try again.";
  if (status === 400) return "The request could not be read. Please check what you entered and try again.";
  return err instanceof Error && status < 500 ? err.message : "Request refused.";
}
