import { gzipSync } from "node:zlib";
import type { Request, Response } from "express";

/**
 * Renders a page view inside views/layout.ejs; locals reach both (with the app's and the
 * response's, as Express gives every view), with the signed-in user and the CSRF token for forms
 * (made here, on a page, so that JSON responses set no token cookie).
 */
export async function renderPage(
  req: Request,
  res: Response,
  view: string,
  locals: Record<string, unknown> = {},
  status = 200,
): Promise<void> {
  const all: Record<string, unknown> = { user: req.user, csrfToken: req.csrfToken?.(), ...locals, path: req.path };
  const body = await render(res, view, all);
  sendPage(req, res.status(status).type("html"), await render(res, "layout", { ...all, body }));
}

function render(res: Response, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) =>
    res.render(view, locals, (err: Error | null, html: string) => (err ? reject(err) : resolve(html))),
  );
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
