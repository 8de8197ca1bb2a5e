import { randomBytes } from "node:crypto";
import type { Request, Response } from "express";
import { viewTemplate } from "./views.js";

/** Keeps page text (a question set's, a vendor's) from ever reading as a marker. */
const NONCE = randomBytes(6).toString("hex");

/**
 * The start of a marker left in rendered text to be cut out afterwards: the marker is this, a
 * number, and a NUL. `kind` tells markers of different uses apart.
 */
export function markerPrefix(kind: string): string {
  return `\u0000${NONCE}${kind}`;
}

/** Where renderPage puts a fragment's bytes. */
const FRAGMENT = markerPrefix("f");

/**
 * Markup made outside the views, already encoded (see portal/questions-html.ts): a view prints it
 * with `<%- name %>` as any other local, and its bytes go into the response as they are, without
 * passing through one long string and a second encoding.
 */
export class Fragment {
  /** Set by renderPage while the page renders: what the view prints in its place. */
  mark = "";
  constructor(readonly pieces: Buffer[]) {}
  toString(): string {
    if (!this.mark) throw new Error("a fragment is printed by renderPage's views only");
    return this.mark;
  }
}

/**
 * Renders a page view inside views/layout.ejs; locals reach both, with the signed-in user and the
 * CSRF token for forms (made here, on a page, so that JSON responses set no token cookie).
 */
export async function renderPage(req: Request, res: Response, view: string, locals: Record<string, unknown> = {}, status = 200): Promise<void> {
  const all: Record<string, unknown> = { ...req.app.locals, ...res.locals, user: req.user, csrfToken: req.csrfToken?.(), ...locals, path: req.path };
  const fragments = Object.values(locals).filter((v): v is Fragment => v instanceof Fragment);
  fragments.forEach((f, i) => (f.mark = `${FRAGMENT}${i}\u0000`));
  all.body = viewTemplate(req.app, view)(all);
  const html = viewTemplate(req.app, "layout")(all);
  res.status(status).type("html").send(fragments.length ? withFragments(html, fragments) : html);
}

/**
 * The page's bytes: its text with each fragment's pieces wherever the view printed it, in one
 * buffer measured first. Marks are found with indexOf: a regular expression over the page cost more.
 */
function withFragments(html: string, fragments: Fragment[]): Buffer {
  const text: string[] = [];
  const placed: Fragment[] = [];
  let from = 0;
  for (let i = html.indexOf(FRAGMENT); i >= 0; i = html.indexOf(FRAGMENT, from)) {
    const end = html.indexOf("\u0000", i + FRAGMENT.length);
    text.push(html.slice(from, i));
    placed.push(fragments[Number(html.slice(i + FRAGMENT.length, end))]!);
    from = end + 1;
  }
  text.push(html.slice(from));
  let size = 0;
  for (const t of text) size += Buffer.byteLength(t);
  for (const f of placed) for (const p of f.pieces) size += p.length;
  const out = Buffer.allocUnsafe(size);
  let n = out.write(text[0]!, 0);
  placed.forEach((f, k) => {
    for (const p of f.pieces) (out.set(p, n), (n += p.length));
    n += out.write(text[k + 1]!, n);
  });
  return out;
}

const short = new Map<string, Buffer>();

/**
 * Text as UTF-8 for a fragment. Short text (an attribute such as ` checked`, a revision number)
 * repeats from page to page and is encoded once; the set kept is bounded.
 */
export function encoded(text: string): Buffer {
  if (text.length > 12) return Buffer.from(text);
  let b = short.get(text);
  if (!b) {
    if (short.size >= 4096) short.clear();
    short.set(text, (b = Buffer.from(text)));
  }
  return b;
}

/** True when the client asked for JSON rather than a page. */
export function wantsJson(req: Request): boolean {
  return req.originalUrl.startsWith("/api/") || req.accepts(["html", "json"]) === "json";
}
