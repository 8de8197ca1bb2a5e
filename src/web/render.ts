import { gzipSync } from "node:zlib";
import type { Request, Response } from "express";
import { renderTemplate } from "./templates.js";

/**
 * Renders a page view inside views/layout.ejs. Both get the app's locals, the response's and the
 * page's (as Express gives every view), with the signed-in user and the CSRF token for forms (made
 * here, on a page, so that JSON responses set no token cookie).
 */
export async function renderPage(
  req: Request,
  res: Response,
  view: string,
  locals: Record<string, unknown> = {},
  status = 200,
): Promise<void> {
  const all: Record<string, unknown> = {
    ...req.app.locals,
    ...res.locals,
    user: req.user,
    csrfToken: req.csrfToken?.(),
    ...locals,
    path: req.path,
  };
  const body = renderTemplate(view, all);
  sendPage(req, res.status(status).type("html"), renderTemplate("layout", { ...all, body }));
}

/**
 * Sends a page, gzipped when the browser accepts it and the page is over 1 KB: a comparison page
 * is 64 KB of HTML and 9 KB gzipped, a vendor's section page 26 KB and 4 KB.
 *
 * Not for a request another site caused (`Sec-Fetch-Site: cross-site`): a page carries a secret
 * (its CSRF token) next to text a request may choose (a search, a field sent back), and the
 * compressed size of such a page, made to vary by another site, is how BREACH reads the secret.
 *
 * Pages are compressed here rather than by the compression middleware: it wraps five methods of
 * every response, and Truecost's responses keep one fixed shape (web/http-server.ts).
 */
function sendPage(req: Request, res: Response, html: string): void {
  res.vary("Accept-Encoding");
  const compress =
    html.length >= 1024 && req.headers["sec-fetch-site"] !== "cross-site" && req.acceptsEncodings("gzip");
  if (!compress) return void res.send(html);
  res.set("Content-Encoding", "gzip").send(gzipSync(html));
}

/** True when the client asked for JSON rather than a page. */
export function wantsJson(req: Request): boolean {
  return req.originalUrl.startsWith("/api/") || req.accepts(["html", "json"]) === "json";
}
