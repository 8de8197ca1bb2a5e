const HTML_SPECIAL = /[&<>'"]/;
const HTML_SPECIALS = /[&<>'"]/g;
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;" };

/**
 * EJS's escaping (the same five characters, the same entities), returning text that needs none as
 * it is: most of what a page prints (numbers, keys, labels) has nothing to escape.
 */
export function escapeHtml(value: unknown): string {
  if (value === undefined || value === null) return "";
  const s = String(value);
  return HTML_SPECIAL.test(s) ? s.replace(HTML_SPECIALS, (c) => ENTITIES[c]!) : s;
}
