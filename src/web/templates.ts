import ejs from "ejs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VIEWS_DIR } from "../paths.js";
import { escapeHtml } from "./escape.js";

const development = process.env.NODE_ENV === "development";

/**
 * How every template compiles. Each view reads its locals by name (`<% const { a, b } = locals %>`):
 * compiled without EJS's `with (locals)`, which keeps V8 from optimising a template (a section page
 * renders about three times faster). Includes name absolute paths under views/, so EJS resolves
 * them without a file-system lookup; line tracking for error messages is on in development only.
 * Compiled templates are kept, except in development, where an edited one shows on the next request.
 */
export const viewOptions = {
  root: VIEWS_DIR,
  _with: false,
  strict: true,
  compileDebug: development,
  escape: escapeHtml,
  cache: !development,
} satisfies ejs.Options;

const compiled = new Map<string, ejs.TemplateFunction>();

/**
 * The template views/NAME.ejs rendered with `locals` as its only locals: a page (web/render.ts) or,
 * as `partial(name, locals)` in the views, a partial.
 *
 * A partial gets only what it names. EJS's `include()` hands an included template a copy of all of
 * its includer's locals (the app's, the response's and the page's: a few dozen names), copied twice
 * per include; on a vendor's section page, a partial per question and one per answer control, that
 * copying was a third of the server's CPU per request (`BENCH_PROFILE=/tmp/p npm run bench -- pages`).
 */
export function renderTemplate(name: string, locals: Record<string, unknown>): string {
  let fn = compiled.get(name);
  if (!fn) {
    const filename = join(VIEWS_DIR, `${name}.ejs`);
    fn = ejs.compile(readFileSync(filename, "utf8"), { ...viewOptions, filename, async: false, client: false });
    if (viewOptions.cache) compiled.set(name, fn);
  }
  return fn(locals);
}
