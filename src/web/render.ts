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
  res
    .status(status)
    .type("html")
    .send(await render(res, "layout", { ...all, body }));
}

function render(res: Response, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) =>
    res.render(view, locals, (err: Error | null, html: string) => (err ? reject(err) : resolve(html))),
  );
}

/** True when the client asked for JSON rather than a page. */
export function wantsJson(req: Request): boolean {
  return req.originalUrl.startsWith("/api/") || req.accepts(["html", "json"]) === "json";
}
