import { load, type CheerioAPI } from "cheerio";

/** A page's DOM, parsed by cheerio: tests read what the page shows, not its markup's spelling. */
export function dom(html: string): CheerioAPI {
  return load(html);
}

/** Text with its white space collapsed, as a reader sees it. */
const squash = (text: string): string => text.replace(/\s+/g, " ").trim();

/** The text of the first element matching `selector`, white space collapsed; undefined when none. */
export function textAt(html: string, selector: string): string | undefined {
  const el = dom(html)(selector).first();
  return el.length ? squash(el.text()) : undefined;
}

/** The texts of every element matching `selector`. */
export function textsAt(html: string, selector: string): string[] {
  const $ = dom(html);
  return $(selector)
    .map((_, e) => squash($(e).text()))
    .get();
}

/** The whole page's text, white space collapsed (scripts and styles left out). */
export function pageText(html: string): string {
  const $ = dom(html);
  $("script, style").remove();
  return squash($("body").length ? $("body").text() : $.root().text());
}

/** The definition a page gives a term in a description list (<dt>term</dt><dd>definition</dd>). */
export function definitionOf(html: string, term: string): string | undefined {
  const $ = dom(html);
  const dt = $("dt")
    .filter((_, e) => squash($(e).text()) === term)
    .first();
  return dt.length ? squash(dt.next("dd").text()) : undefined;
}

/** The CSRF token in a page's first form (no test-runner imports: the benchmarks use it too). */
export function csrfOf(html: string): string {
  const token = dom(html)('input[name="_csrf"]').first().val();
  if (typeof token !== "string" || !token) throw new Error("no CSRF token on the page");
  return token;
}
