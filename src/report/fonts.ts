import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { inflateSync } from "node:zlib";
import * as fontkit from "fontkit";

const require = createRequire(import.meta.url);
const dir = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));

/**
 * The fonts every PDF embeds (subsets only), all installed by `npm ci`: what the operating system
 * has installed never changes a report. DejaVu Sans draws Latin, Greek, Cyrillic, Arabic and
 * Hebrew; GNU Unifont every other script of the basic plane (Japanese, Chinese, Korean, Thai,
 * Devanagari…) in one 4 MB file; Noto Emoji the emoji. An operator may add a font of their own
 * (REPORT_FONT), tried first after DejaVu.
 */
export const FONT_FILES = {
  body: join(dir("dejavu-fonts-ttf"), "ttf", "DejaVuSans.ttf"),
  bold: join(dir("dejavu-fonts-ttf"), "ttf", "DejaVuSans-Bold.ttf"),
  wide: join(dir("@fontsource/unifont"), "files", "unifont-latin-400-normal.woff"),
  emoji: join(dir("@expo-google-fonts/noto-emoji"), "400Regular", "NotoEmoji_400Regular.ttf"),
};

/** The font an operator configured (REPORT_FONT, and REPORT_FONT_FACE for a collection). */
export interface CustomFont {
  path: string;
  face?: string;
}

let custom: CustomFont | null = null;

/** Uses an operator's font (validated first, see validateFont) in every PDF made by this process. */
export function setCustomFont(font: CustomFont | null): void {
  custom = font;
  parsed.delete("custom");
  covered.delete("custom");
  safeText.body.clear();
  safeText.bold.clear();
}

export function customFont(): CustomFont | null {
  return custom;
}

/** The fonts tried for a character, in order, by style: a character no font has is drawn as a placeholder. */
function fontChain(style: "body" | "bold"): FontName[] {
  return custom ? [style, "custom", "wide", "emoji"] : [style, "wide", "emoji"];
}

export type FontName = "body" | "bold" | "wide" | "emoji" | "custom";

interface Glyphs {
  hasGlyphForCodePoint(cp: number): boolean;
  layout(text: string): { advanceWidth: number };
  unitsPerEm: number;
}

const parsed = new Map<FontName, Glyphs>();

/** The parsed font (fontkit), once per process. */
export function glyphsOf(name: FontName): Glyphs {
  let f = parsed.get(name);
  if (!f) {
    f =
      name === "custom"
        ? openFace(custom!.path, custom!.face)
        : (fontkit.create(sfnt(readFileSync(FONT_FILES[name]))) as unknown as Glyphs);
    parsed.set(name, f);
  }
  return f;
}

/**
 * A WOFF font as the plain TrueType/OpenType file it wraps (other fonts as they are). fontkit reads
 * WOFF itself, but inflates a table again, in JavaScript, on every access: for Unifont's 57,000
 * glyphs that made one report take seconds. Node's zlib inflates each table once here.
 */
export function sfnt(data: Buffer): Buffer {
  if (data.readUInt32BE(0) !== 0x774f4646) return data; // "wOFF"
  const count = data.readUInt16BE(12);
  const tables = Array.from({ length: count }, (_, i) => {
    const at = 44 + i * 20;
    const [offset, compLength, origLength] = [
      data.readUInt32BE(at + 4),
      data.readUInt32BE(at + 8),
      data.readUInt32BE(at + 12),
    ];
    const raw = data.subarray(offset, offset + compLength);
    return {
      tag: data.readUInt32BE(at),
      checksum: data.readUInt32BE(at + 16),
      body: compLength < origLength ? inflateSync(raw) : raw,
    };
  });
  const header = Buffer.alloc(12 + 16 * count);
  header.writeUInt32BE(data.readUInt32BE(4), 0); // the wrapped font's flavour
  let pow = 1,
    log = 0;
  while (pow * 2 <= count) ((pow *= 2), log++);
  header.writeUInt16BE(count, 4);
  header.writeUInt16BE(pow * 16, 6);
  header.writeUInt16BE(log, 8);
  header.writeUInt16BE(count * 16 - pow * 16, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  tables.forEach((t, i) => {
    const at = 12 + i * 16;
    header.writeUInt32BE(t.tag, at);
    header.writeUInt32BE(t.checksum, at + 4);
    header.writeUInt32BE(offset, at + 8);
    header.writeUInt32BE(t.body.length, at + 12);
    const padded = Buffer.alloc((t.body.length + 3) & ~3);
    t.body.copy(padded);
    parts.push(padded);
    offset += padded.length;
  });
  return Buffer.concat(parts);
}

function openFace(path: string, face?: string): Glyphs {
  const font = fontkit.create(sfnt(readFileSync(path))) as unknown as { fonts?: { postscriptName: string }[] } & Glyphs;
  if (!font.fonts) return font;
  return font.fonts.find((f) => f.postscriptName === face) as unknown as Glyphs;
}

/**
 * Why a font file cannot be used, or null: it must exist, be a font fontkit reads, name one of its
 * faces when it is a collection (.ttc), and draw at least the basic Latin letters.
 */
export function validateFont(path: string, face?: string): string | null {
  if (!existsSync(path)) return `${path} does not exist`;
  let font: { fonts?: { postscriptName: string; fullName?: string }[] } & Partial<Glyphs>;
  try {
    font = fontkit.create(sfnt(readFileSync(path))) as never;
  } catch (err) {
    return `${path} is not a font Truecost can read (${(err as Error).message})`;
  }
  if (font.fonts) {
    const faces = font.fonts.map((f) => f.postscriptName);
    if (!face) return `${path} is a font collection: set REPORT_FONT_FACE to one of its faces (${faces.join(", ")})`;
    if (!faces.includes(face)) return `${path} has no face "${face}"; its faces are ${faces.join(", ")}`;
    font = font.fonts[faces.indexOf(face)] as never;
  } else if (face) return `${path} is a single font, not a collection: leave REPORT_FONT_FACE unset`;
  if (!font.hasGlyphForCodePoint || !"AZaz09".split("").every((c) => font.hasGlyphForCodePoint!(c.codePointAt(0)!)))
    return `${path} does not draw the basic Latin letters`;
  return null;
}

const covered = new Map<FontName, Map<number, boolean>>();

/** Whether a font draws a code point (white space always counts), remembered per process. */
function draws(name: FontName, cp: number): boolean {
  let m = covered.get(name);
  if (!m) covered.set(name, (m = new Map()));
  let v = m.get(cp);
  if (v === undefined) m.set(cp, (v = cp === 0x20 || glyphsOf(name).hasGlyphForCodePoint(cp)));
  return v;
}

/** Marks and joiners drawn with the character before them, in its font. */
function joins(cp: number): boolean {
  return (
    (cp >= 0x300 && cp <= 0x36f) ||
    cp === 0x200d ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0x1f3fb && cp <= 0x1f3ff) ||
    /\p{M}/u.test(String.fromCodePoint(cp))
  );
}

/**
 * Text made safe to draw: control characters (but line feeds) become spaces or go, lone
 * surrogates and characters no font draws become their compatibility form (𝔸 → A) or U+FFFD, a
 * visible placeholder, and bidi controls go (the report orders right-to-left text itself).
 */
const safeText = { body: new Map<string, string>(), bold: new Map<string, string>() };

export function drawable(text: string, style: "body" | "bold" = "body"): string {
  if (/^[\x20-\x7e\n]*$/.test(text)) return text;
  const cache = safeText[style];
  let out = cache.get(text);
  if (out === undefined) {
    // Report texts repeat (figures, labels): remembered, in a bounded set.
    if (cache.size > 20_000) cache.clear();
    cache.set(text, (out = makeDrawable(text, style)));
  }
  return out;
}

function makeDrawable(text: string, style: "body" | "bold"): string {
  const chain = fontChain(style);
  let out = "";
  for (const ch of text.replace(/\r\n?/g, "\n").replace(/\t/g, " ")) {
    const cp = ch.codePointAt(0)!;
    if (ch === "\n") out += ch;
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
    else if (
      (cp >= 0x202a && cp <= 0x202e) ||
      (cp >= 0x2066 && cp <= 0x2069) ||
      cp === 0x200e ||
      cp === 0x200f ||
      cp === 0x61c ||
      cp === 0xfeff
    )
      continue;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\ufffd";
    else if (joins(cp) || chain.some((f) => draws(f, cp))) out += ch;
    else {
      const compat = ch.normalize("NFKC");
      out +=
        compat !== ch && [...compat].every((c) => chain.some((f) => draws(f, c.codePointAt(0)!))) ? compat : "\ufffd";
    }
  }
  return out;
}

/** The font of each character of drawable text, for a style: runs of one font. */
export function fontRuns(text: string, style: "body" | "bold"): { font: FontName; text: string }[] {
  const chain = fontChain(style);
  const runs: { font: FontName; text: string }[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const last = runs[runs.length - 1];
    const font = last && joins(cp) ? last.font : (chain.find((f) => draws(f, cp)) ?? style);
    if (last && last.font === font) last.text += ch;
    else runs.push({ font, text: ch });
  }
  return runs;
}

/** The width of one line of text at a size, in the fonts the PDF draws it with (for charts measured before drawing). */
const widths = new Map<string, number>();

export function textWidth(text: string, size: number, style: "body" | "bold" = "body"): number {
  const key = `${style}\u0000${text}`;
  const known = widths.get(key);
  if (known !== undefined) return known * size;
  let w = 0;
  for (const run of fontRuns(drawable(text, style), style)) {
    const f = glyphsOf(run.font);
    w += f.layout(run.text).advanceWidth / f.unitsPerEm;
  }
  if (widths.size > 20_000) widths.clear();
  widths.set(key, w);
  return w * size;
}

/** pdfkit's embedded font, as far as Truecost uses it. */
export interface EmbeddedFont {
  id: string;
  ascender: number;
  subset?: unknown;
  font: unknown;
  layoutCache?: Record<string, unknown>;
  encode(text: string): [string[], { xAdvance: number; advanceWidth: number; xOffset: number; yOffset: number }[]];
  lineHeight(size: number, includeGap?: boolean): number;
  ref(): unknown;
}

/** Shaped words kept per font before the cache starts afresh: enough for several reports, bounded whatever vendors write. */
const MAX_WORDS = 50_000;
const shapedWords = new Map<FontName, { words: Record<string, unknown>; documents: number }>();

/**
 * Registers every font of the chains on a document and returns them by name. Fonts are parsed once
 * per process and share one cache of shaped words (pdfkit would parse and shape again for each
 * document); each document still embeds only the subset of glyphs it draws. Leaves "body" selected.
 */
export function useFonts(doc: PDFKit.PDFDocument): Map<FontName, EmbeddedFont> {
  const out = new Map<FontName, EmbeddedFont>();
  const names: FontName[] = custom ? ["body", "bold", "custom", "wide", "emoji"] : ["body", "bold", "wide", "emoji"];
  for (const name of names) {
    doc.registerFont(name, glyphsOf(name) as never);
    doc.font(name);
    const embedded = (doc as unknown as { _font: EmbeddedFont })._font;
    const shared = shapedWords.get(name);
    if (!shared) shapedWords.set(name, { words: embedded.layoutCache ?? Object.create(null), documents: 1 });
    else {
      // Counting keys costs a little: check the bound every tenth document.
      if (++shared.documents % 10 === 0 && Object.keys(shared.words).length > MAX_WORDS)
        shared.words = Object.create(null);
      embedded.layoutCache = shared.words;
    }
    out.set(name, embedded);
  }
  doc.font("body");
  return out;
}
