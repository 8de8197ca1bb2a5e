import type { z } from "zod";

/**
 * What a name or a text may contain, one rule for every way in: the web forms, the vendor's
 * answers and the bundles a buyer imports. Refused: control characters (but for tabs and line
 * breaks in texts of several lines), lone surrogate halves, Unicode noncharacters, and the
 * invisible direction controls (embeddings, overrides and isolates) that can make text display in
 * another order than it is stored ("Trojan Source"). Right-to-left letters need none of these:
 * Arabic and Hebrew display right by themselves, and the marks U+200E/U+200F stay allowed.
 */

const NAMES: Record<number, string> = {
  0x0: "a NUL character",
  0x9: "a tab",
  0xa: "a line break",
  0xd: "a line break",
  0x202a: "a left-to-right embedding",
  0x202b: "a right-to-left embedding",
  0x202c: "a pop-directional-formatting mark",
  0x202d: "a left-to-right override",
  0x202e: "a right-to-left override",
  0x2066: "a left-to-right isolate",
  0x2067: "a right-to-left isolate",
  0x2068: "a first-strong isolate",
  0x2069: "a pop-directional-isolate mark",
};

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;

/** Why a text is refused, or null: `lines` allows tabs and line breaks. Positions count characters from 1. */
export function textProblem(text: string, lines: boolean): string | null {
  let position = 0;
  for (let i = 0; i < text.length; i++) {
    position++;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
        if ((cp & 0xfffe) === 0xfffe) return refuse(cp, position, "a noncharacter");
        i++;
        continue;
      }
      return `contains half of a character (a lone surrogate, ${hex(c)}) at position ${position}: the text was cut or mis-encoded`;
    }
    if (c >= 0xdc00 && c <= 0xdfff)
      return `contains half of a character (a lone surrogate, ${hex(c)}) at position ${position}: the text was cut or mis-encoded`;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (lines && (c === 0x9 || c === 0xa || c === 0xd)) continue;
      return refuse(c, position, "a control character");
    }
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return refuse(c, position, "a direction control");
    if ((c >= 0xfdd0 && c <= 0xfdef) || c === 0xfffe || c === 0xffff) return refuse(c, position, "a noncharacter");
  }
  return null;
}

function refuse(cp: number, position: number, kind: string): string {
  return `contains ${NAMES[cp] ?? kind} (${hex(cp)}, invisible) at position ${position}: remove it`;
}

/** A zod check for a one-line name or title (no line breaks). */
export function oneLine(value: string, ctx: z.RefinementCtx): void {
  const problem = textProblem(value, false);
  if (problem) ctx.addIssue({ code: "custom", message: capitalise(problem) });
}

/** A zod check for a text of several lines (descriptions, messages, answers). */
export function someLines(value: string, ctx: z.RefinementCtx): void {
  const problem = textProblem(value, true);
  if (problem) ctx.addIssue({ code: "custom", message: capitalise(problem) });
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
