import type { NextFunction, Request, Response } from "express";
import type { Logger } from "../logger.js";

/** A vendor link's token never reaches the log. */
const maskToken = (url: string) => url.replace(/^\/v\/[\w-]+/, "/v/[token]");

/**
 * One log line per request when its response is done: method, path (vendor tokens masked), status
 * and time; a 5xx at error level, a request the client abandoned at warn. Health checks and static
 * files are not logged. (pino-http did this with a child logger per request, which cost an
 * autosave more than its database write; this writes through the app's logger directly.)
 */
export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!logger.isLevelEnabled("info") || req.url === "/healthz" || req.url.startsWith("/static/")) return next();
    const start = performance.now();
    res.once("close", () => {
      const line = {
        req: { method: req.method, url: maskToken(req.originalUrl) },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(performance.now() - start),
      };
      if (!res.writableFinished) logger.warn(line, "request aborted");
      else if (res.statusCode >= 500) logger.error(line, "request failed");
      else logger.info(line, "request completed");
    });
    next();
  };
}
