import ejs from "ejs";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Words that cannot name a variable, and names of the global object's properties (JSON, Math, …), which templates must keep seeing. */
const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return " +
    "super switch this throw true try typeof var void while with yield let static implements interface package private protected public await of async undefined NaN Infinity arguments eval locals include escapeFn rethrow __append __output __locals __line __lines __filename")
    .split(" "),
);

/** The code between EJS tags (<% … %>, <%= … %>, <%- … %>), comments left out. */
function codeOf(template: string): string[] {
  return [...template.matchAll(/<%(?!#)[=_-]?([\s\S]*?)[-_]?%>/g)].map((m) => m[1]!);
}

/**
 * Every name a template may read from its locals: identifiers in template code that are not
 * property names (after a dot), not inside quoted strings, not reserved and not globals.
 */
export function templateNames(templates: string[]): string[] {
  const names = new Set<string>();
  for (const t of templates)
    for (const code of codeOf(t)) {
      // Quoted strings hold no names; template literals may (${…}), so they stay.
      const bare = code.replace(/(["'])(?:\\.|(?!\1)[^\\])*\1/g, " ");
      for (const m of bare.matchAll(/(?<![.\w$])[A-Za-z_$][\w$]*/g)) if (!RESERVED.has(m[0]) && !(m[0] in globalThis)) names.add(m[0]);
    }
  return [...names].sort();
}

function templatesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name.endsWith(".ejs")).map((e) => join(e.parentPath, e.name));
}

const HTML_SPECIAL = /[&<>'"]/;
const HTML_SPECIALS = /[&<>'"]/g;
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;" };

/**
 * EJS's escaping (the same five characters, the same entities), but returning text that needs none
 * as it is: most of what a page prints (numbers, keys, labels) has nothing to escape.
 */
export function escapeHtml(value: unknown): string {
  if (value === undefined || value === null) return "";
  const s = String(value);
  return HTML_SPECIAL.test(s) ? s.replace(HTML_SPECIALS, (c) => ENTITIES[c]!) : s;
}

let loaderInstalled = false;

/**
 * EJS options for the app's views. EJS wraps each template in `with (locals)`, which keeps V8 from
 * optimising it: a section page's fourteen questions render three times faster without it. Instead,
 * each compiled template declares the names the views use (`destructuredLocals`), read once from
 * its locals; template text is wrapped in a block so that a template's own `const` may shadow such
 * a name. Outside development, EJS's line tracking (for error messages) is off too; and escaping
 * skips text with nothing to escape.
 */
export function viewOptions(root: string, development: boolean): ejs.Options {
  if (!loaderInstalled) {
    const load = ejs.fileLoader;
    ejs.fileLoader = (path: string) => (path.startsWith(root) && path.endsWith(".ejs") ? `<% { %>${String(load(path))}<% } %>` : load(path));
    loaderInstalled = true;
  }
  const names = templateNames(templatesUnder(root).map((f) => readFileSync(f, "utf8")));
  return { root, compileDebug: development, _with: false, destructuredLocals: names, escape: escapeHtml } as ejs.Options;
}

const compiled = new WeakMap<object, Map<string, ejs.TemplateFunction>>();

/**
 * A view compiled with the app's options, for code that renders part of a page by itself (see
 * portal/questions-html.ts). Kept per app while the app caches views, as Express does.
 */
export function viewTemplate(app: { get(name: string): unknown; enabled(name: string): boolean }, name: string): ejs.TemplateFunction {
  let cache = compiled.get(app);
  let fn = cache?.get(name);
  if (fn) return fn;
  const opts = app.get("view options") as ejs.Options & { root: string };
  const filename = join(opts.root, `${name}.ejs`);
  const keep = app.enabled("view cache");
  // `cache` reaches the template's includes, as Express passes it to views.
  fn = ejs.compile(String(ejs.fileLoader(filename)), { ...opts, filename, cache: keep, client: false, async: false }) as ejs.TemplateFunction;
  if (keep) {
    if (!cache) compiled.set(app, (cache = new Map()));
    cache.set(name, fn);
  }
  return fn;
}
