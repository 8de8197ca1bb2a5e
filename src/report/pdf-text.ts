/**
 * Line breaking and text drawing for the report's tables and paragraphs, on top of pdfkit's fonts.
 *
 * Each character is drawn in the first font of its style's chain that has it (fonts.ts), so one
 * word may mix fonts. pdfkit shapes and encodes a whole line every time it measures or draws it,
 * and wraps each line in its own text object; a report draws thousands of table lines made of a
 * few thousand distinct words, so this module encodes each distinct word once per document
 * (through pdfkit's encoder, which keeps the subset, widths and ToUnicode map right), breaks lines
 * on the measured words, orders right-to-left words per line (the Unicode bidi algorithm, at word
 * level; each word's glyphs come shaped and ordered by the font engine), and draws a block of lines
 * as one text object. Words the font positions glyph by glyph (combining marks) are drawn by pdfkit.
 */
import bidiFactory from "bidi-js";
import { fontRuns, type EmbeddedFont, type FontName } from "./fonts.js";

const bidi = bidiFactory();

/** A run of a word in one font: its glyph codes, split where kerning moves a glyph, and its width in thousandths of the font size. */
interface Segment {
  font: EmbeddedFont;
  name: FontName;
  text: string;
  runs: { codes: string; kern: number }[];
  width: number;
  /** False when a glyph carries its own offset: such text is drawn by pdfkit. */
  plain: boolean;
}

/** A word as encoded for one document and style. */
interface Word {
  text: string;
  segments: Segment[];
  width: number;
  plain: boolean;
}

export type Style = "body" | "bold";

/** A line of text as laid out, with its measured width at the size it was laid out in. */
export interface Line {
  text: string;
  width: number;
  /** Its words in logical order, with their bidi levels (odd: right to left). */
  words: Word[];
  levels: number[];
  style: Style;
}

const n = (x: number) => String(Math.round(x * 100) / 100);

/**
 * A glyph's two-byte code (pdfkit's Identity-H encoding, given as four hex digits) as characters of a
 * PDF literal string: half the bytes of hex. pdfkit writes content strings byte for byte (each
 * character's low byte); the delimiters and the backslash are escaped, and so are line ends, which a
 * reader would otherwise normalise.
 */
function glyphCode(hex: string): string {
  const code = parseInt(hex, 16);
  return byte(code >> 8) + byte(code & 0xff);
}

function byte(b: number): string {
  switch (b) {
    case 0x28:
      return "\\(";
    case 0x29:
      return "\\)";
    case 0x5c:
      return "\\\\";
    case 0x0a:
      return "\\n";
    case 0x0d:
      return "\\r";
    default:
      return String.fromCharCode(b);
  }
}

/** Whether text holds a right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms). */
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/;

export class PdfText {
  private readonly words = { body: new Map<string, Word>(), bold: new Map<string, Word>() };

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly fonts: Map<FontName, EmbeddedFont>,
  ) {}

  private get size(): number {
    return (this.doc as unknown as { _fontSize: number })._fontSize;
  }

  /** The style the document's current font stands for. */
  currentStyle(): Style {
    return (this.doc as unknown as { _font: EmbeddedFont })._font === this.fonts.get("bold") ? "bold" : "body";
  }

  private word(text: string, style: Style): Word {
    const cache = this.words[style];
    let w = cache.get(text);
    if (w) return w;
    w = { text, segments: [], width: 0, plain: true };
    for (const run of fontRuns(text, style)) {
      const seg = this.segment(run.font, run.text);
      w.segments.push(seg);
      w.width += seg.width;
      if (!seg.plain) w.plain = false;
    }
    cache.set(text, w);
    return w;
  }

  private segment(name: FontName, text: string): Segment {
    const font = this.fonts.get(name)!;
    const [hex, positions] = font.encode(text);
    const seg: Segment = { font, name, text, runs: [], width: 0, plain: true };
    let run = "";
    for (let i = 0; i < hex.length; i++) {
      const p = positions[i]!;
      if (p.xOffset || p.yOffset) seg.plain = false;
      run += glyphCode(hex[i]!);
      seg.width += p.xAdvance;
      // Kerning: pdfkit's encoder gives each glyph's advance; a TJ number moves the next glyph.
      const kern = p.xAdvance - p.advanceWidth;
      if (kern !== 0) {
        seg.runs.push({ codes: run, kern: -kern });
        run = "";
      }
    }
    if (run) seg.runs.push({ codes: run, kern: 0 });
    return seg;
  }

  private spaceWidth(style: Style): number {
    return this.word(" ", style).width;
  }

  /** The width of text (one line) in a style at the current size. */
  width(text: string, style: Style = this.currentStyle()): number {
    const k = this.size / 1000;
    return (
      text.split(" ").reduce((s, word, i) => s + (i ? this.spaceWidth(style) : 0) + this.word(word, style).width, 0) * k
    );
  }

  /**
   * Breaks drawable text into lines no wider than `width` in a style at the current size: at line
   * feeds, at spaces, and inside a word only when the word alone is wider than a line. Measuring and
   * drawing use the same lines, so a table row is exactly as tall as its text. Also gives the widest
   * word, the narrowest the text can be set without breaking a word.
   */
  layout(text: string, width: number, style: Style = this.currentStyle()): { lines: Line[]; widest: number } {
    const k = this.size / 1000;
    const space = this.spaceWidth(style) * k;
    const out: Line[] = [];
    let widest = 0;
    for (const para of text.split("\n")) {
      const levels = paragraphLevels(para);
      let offset = 0;
      let line: Line | undefined;
      for (let word of para.split(" ")) {
        const level = levels ? wordLevel(levels, offset, word) : 0;
        offset += word.length + 1;
        let encoded = this.word(word, style);
        let w = encoded.width * k;
        if (w > widest) widest = w;
        if (line && line.width + space + w <= width) {
          line.text += ` ${word}`;
          line.width += space + w;
          line.words.push(encoded);
          line.levels.push(level);
          continue;
        }
        if (line) out.push(line);
        while (w > width) {
          const head = this.fitting(word, width, style);
          if (head === word) break;
          out.push({
            text: head,
            width: this.word(head, style).width * k,
            words: [this.word(head, style)],
            levels: [level],
            style,
          });
          word = word.slice(head.length);
          encoded = this.word(word, style);
          w = encoded.width * k;
        }
        line = { text: word, width: w, words: [encoded], levels: [level], style };
      }
      out.push(line ?? { text: "", width: 0, words: [], levels: [], style });
    }
    return { lines: out, widest };
  }

  /** The longest start of a word that fits a width, measured as drawn (kerning included). */
  private fitting(word: string, width: number, style: Style): string {
    const k = this.size / 1000;
    let head = "";
    let headWidth = 0;
    for (const ch of word) {
      const cw = this.word(ch, style).width * k;
      if (head && headWidth + cw > width) break;
      head += ch;
      headWidth += cw;
    }
    // Kerning makes a piece differ from the sum of its characters: measure it, and give back characters until it fits.
    while (this.word(head, style).width * k > width && [...head].length > 1) head = [...head].slice(0, -1).join("");
    return head;
  }

  /**
   * Draws laid-out lines top-down from (x, y) in the current size and fill colour, right-aligned
   * within `width` when asked; with `bottom`, a line that would pass it starts a new page. Returns
   * the y below the last line.
   */
  draw(
    lines: Line[],
    x: number,
    y: number,
    width: number,
    opts: { align?: "left" | "right"; bottom?: number } = {},
  ): number {
    const d = this.doc;
    const lh = d.currentLineHeight(true);
    const size = this.size;
    let ops: string[] = [];
    let current: EmbeddedFont | undefined;
    const flush = () => {
      if (ops.length) d.addContent(`BT\n${ops.join("\n")}\nET`);
      ops = [];
      current = undefined;
    };
    const use = (font: EmbeddedFont) => {
      (d.page as unknown as { fonts: Record<string, unknown> }).fonts[font.id] ??= font.ref();
      if (font !== current) ops.push(`/${font.id} ${n(size)} Tf`);
      current = font;
    };
    for (const line of lines) {
      if (opts.bottom !== undefined && y + lh > opts.bottom) {
        flush();
        // Marked content (a tagged paragraph or cell) is closed on this page and opened again on the next.
        d.continueOnNewPage();
        y = d.page.margins.top;
      }
      const lx = opts.align === "right" ? x + width - line.width : x;
      const words = visualOrder(line);
      const body = this.fonts.get(line.style)!;
      const baseline = y + (body.ascender / 1000) * size;
      if (words.length && words.every((w) => w.plain)) {
        // pdfkit's pages run y downwards; a text matrix that flips y back sets the glyphs upright on the baseline.
        ops.push(`1 0 0 -1 ${n(lx)} ${n(baseline)} Tm`);
        const space = this.word(" ", line.style).segments[0]!;
        words.forEach((w, i) => {
          if (i) (use(space.font), ops.push(tj([space])));
          for (const seg of segmentsInOrder(w)) (use(seg.font), ops.push(tj([seg])));
        });
      } else if (words.length) {
        flush();
        this.drawByPdfkit(words, lx, baseline, line.style);
      }
      y += lh;
    }
    flush();
    return y;
  }

  /** A line with positioned glyphs (combining marks), drawn segment by segment by pdfkit on the same baseline. */
  private drawByPdfkit(words: Word[], x: number, baseline: number, style: Style): void {
    const d = this.doc;
    const k = this.size / 1000;
    const size = this.size;
    let cx = x;
    words.forEach((w, i) => {
      if (i) cx += this.spaceWidth(style) * k;
      for (const seg of segmentsInOrder(w)) {
        d.font(seg.name).fontSize(size).text(seg.text, cx, baseline, { lineBreak: false, baseline: "alphabetic" });
        cx += seg.width * k;
      }
    });
    d.font(style);
  }
}

/** The TJ operation of segments: glyph codes as literal strings, split only where kerning moves a glyph. */
function tj(segments: Segment[]): string {
  let out = "";
  let run = "";
  for (const s of segments)
    for (const r of s.runs) {
      run += r.codes;
      if (r.kern) {
        out += `(${run}) ${n(r.kern)} `;
        run = "";
      }
    }
  return `[${run ? `${out}(${run})` : out}] TJ`;
}

/** A right-to-left word's fonts run right to left too (its glyphs within each run come ordered by the font engine). */
function segmentsInOrder(w: Word): Segment[] {
  return w.segments.length > 1 && RTL.test(w.text) ? [...w.segments].reverse() : w.segments;
}

/** Bidi embedding levels of a paragraph, or null when it holds nothing right-to-left (most text: no work). */
function paragraphLevels(text: string): Uint8Array | null {
  return RTL.test(text) ? bidi.getEmbeddingLevels(text).levels : null;
}

/** A word's level: that of its first character that is not a neutral (or of its first character). */
function wordLevel(levels: Uint8Array, offset: number, word: string): number {
  for (let i = 0; i < word.length; i++) if (/[\p{L}\p{N}]/u.test(word[i]!)) return levels[offset + i] ?? 0;
  return levels[offset] ?? 0;
}

/** A line's words in the order they are drawn, left to right: runs at higher levels reversed, highest first (bidi rule L2). */
function visualOrder(line: Line): Word[] {
  const words = [...line.words];
  const levels = [...line.levels];
  const max = Math.max(0, ...levels);
  if (max === 0) return words;
  const lowestOdd = Math.min(...levels.filter((l) => l % 2 === 1), max);
  for (let level = max; level >= lowestOdd; level--) {
    for (let i = 0; i < words.length;) {
      if (levels[i]! < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < words.length && levels[j]! >= level) j++;
      reverse(words, i, j);
      reverse(levels, i, j);
      i = j;
    }
  }
  return words;
}

function reverse<T>(xs: T[], from: number, to: number): void {
  for (let a = from, b = to - 1; a < b; a++, b--) [xs[a], xs[b]] = [xs[b]!, xs[a]!];
}
