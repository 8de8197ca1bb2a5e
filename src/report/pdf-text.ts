/**
 * Line breaking and text drawing for the report's tables and paragraphs, on top of pdfkit's fonts.
 *
 * pdfkit shapes and encodes a whole line every time it measures or draws it, and wraps each line
 * of text in its own text object. A report draws thousands of table lines made of a few thousand
 * distinct words, so this module encodes each distinct word once per document (through pdfkit's own
 * encoder, which keeps the font subset, widths and ToUnicode map right), breaks lines on the
 * measured words, and draws a block of lines as one text object. Words the font positions glyph by
 * glyph (combining marks) are drawn by pdfkit itself.
 */

/** pdfkit's embedded font, as far as this module uses it. */
interface PdfFont {
  id: string;
  ascender: number;
  subset?: unknown;
  encode(text: string): [string[], { xAdvance: number; advanceWidth: number; xOffset: number; yOffset: number }[]];
  lineHeight(size: number, includeGap?: boolean): number;
  ref(): unknown;
}

/** A word as encoded for one document: its glyph codes, split where kerning moves a glyph, and its width in thousandths of the font size. */
interface Word {
  runs: { codes: string; kern: number }[];
  width: number;
  /** False when a glyph carries its own offset: such text is drawn by pdfkit. */
  plain: boolean;
}

/** A line of text as laid out, with its measured width at the size it was laid out in. */
export interface Line {
  text: string;
  width: number;
  /** Its words as encoded in the font it was laid out in, so that drawing it in that font looks none up again. */
  words: Word[];
  font: PdfFont;
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
    case 0x28: return "\\(";
    case 0x29: return "\\)";
    case 0x5c: return "\\\\";
    case 0x0a: return "\\n";
    case 0x0d: return "\\r";
    default: return String.fromCharCode(b);
  }
}

export class PdfText {
  private readonly words = new Map<PdfFont, Map<string, Word>>();
  private lastFont?: PdfFont;
  private lastWords?: Map<string, Word>;

  constructor(private readonly doc: PDFKit.PDFDocument) {}

  private get font(): PdfFont {
    return (this.doc as unknown as { _font: PdfFont })._font;
  }

  private get size(): number {
    return (this.doc as unknown as { _fontSize: number })._fontSize;
  }

  private word(text: string): Word {
    const font = this.font;
    // Most words in a row are in the font of the word before.
    let cache = font === this.lastFont ? this.lastWords! : this.words.get(font);
    if (!cache) this.words.set(font, (cache = new Map()));
    this.lastFont = font;
    this.lastWords = cache;
    let w = cache.get(text);
    if (w) return w;
    const [hex, positions] = font.encode(text);
    w = { runs: [], width: 0, plain: true };
    let run = "";
    for (let i = 0; i < hex.length; i++) {
      const p = positions[i]!;
      if (p.xOffset || p.yOffset) w.plain = false;
      run += glyphCode(hex[i]!);
      w.width += p.xAdvance;
      // Kerning: pdfkit's encoder gives each glyph's advance; a TJ number moves the next glyph.
      const kern = p.xAdvance - p.advanceWidth;
      if (kern !== 0) {
        w.runs.push({ codes: run, kern: -kern });
        run = "";
      }
    }
    if (run) w.runs.push({ codes: run, kern: 0 });
    cache.set(text, w);
    return w;
  }

  /** The TJ operand of a line: glyph codes as literal strings, split only where kerning moves a glyph. */
  private tj(words: Word[]): string {
    const space = this.word(" ");
    let out = "";
    let run = "";
    const add = (w: Word) => {
      for (const r of w.runs) {
        run += r.codes;
        if (r.kern) {
          out += `(${run}) ${n(r.kern)} `;
          run = "";
        }
      }
    };
    words.forEach((w, i) => {
      if (i) add(space);
      add(w);
    });
    return run ? `${out}(${run})` : out;
  }

  /** The width of text (one line) in the current font and size. */
  width(text: string): number {
    const size = this.size;
    return text.split(" ").reduce((s, word, i) => s + (i ? this.word(" ").width : 0) + this.word(word).width, 0) * (size / 1000);
  }

  /**
   * Breaks text into lines no wider than `width` in the current font and size: at line feeds, at
   * spaces, and inside a word only when the word alone is wider than a line. Measuring and drawing
   * use the same lines, so a table row is exactly as tall as its text. Also gives the widest word,
   * the narrowest the text can be set without breaking a word.
   */
  layout(text: string, width: number): { lines: Line[]; widest: number } {
    const k = this.size / 1000;
    const space = this.word(" ").width * k;
    const font = this.font;
    const out: Line[] = [];
    let widest = 0;
    for (const para of text.split("\n")) {
      let line: string | undefined;
      let lineWidth = 0;
      let words: Word[] = [];
      for (let word of para.split(" ")) {
        let encoded = this.word(word);
        let w = encoded.width * k;
        if (w > widest) widest = w;
        if (line !== undefined && lineWidth + space + w <= width) {
          line += ` ${word}`;
          lineWidth += space + w;
          words.push(encoded);
          continue;
        }
        if (line !== undefined) out.push({ text: line, width: lineWidth, words, font });
        while (w > width) {
          let head = "";
          let headWidth = 0;
          for (const ch of word) {
            const cw = this.word(ch).width * k;
            if (head && headWidth + cw > width) break;
            head += ch;
            headWidth += cw;
          }
          // Kerning makes a piece differ from the sum of its characters: measure it, and give back characters until it fits.
          headWidth = this.word(head).width * k;
          while (headWidth > width && [...head].length > 1) {
            head = [...head].slice(0, -1).join("");
            headWidth = this.word(head).width * k;
          }
          if (head === word) break;
          out.push({ text: head, width: headWidth, words: [this.word(head)], font });
          word = word.slice(head.length);
          encoded = this.word(word);
          w = encoded.width * k;
        }
        line = word;
        lineWidth = w;
        words = [encoded];
      }
      out.push({ text: line ?? "", width: lineWidth, words: line === undefined ? [] : words, font });
    }
    return { lines: out, widest };
  }

  /**
   * Draws laid-out lines top-down from (x, y) in the current font, size and fill colour, right-aligned
   * within `width` when asked; with `bottom`, a line that would pass it starts a new page. Returns
   * the y below the last line.
   */
  draw(lines: Line[], x: number, y: number, width: number, opts: { align?: "left" | "right"; bottom?: number } = {}): number {
    const d = this.doc;
    const lh = d.currentLineHeight(true);
    let ops: string[] = [];
    const flush = () => {
      if (ops.length) d.addContent(`BT\n/${this.font.id} ${n(this.size)} Tf\n${ops.join("\n")}\nET`);
      ops = [];
    };
    for (const line of lines) {
      if (opts.bottom !== undefined && y + lh > opts.bottom) {
        flush();
        // Marked content (a tagged paragraph or cell) is closed on this page and opened again on the next.
        d.continueOnNewPage();
        y = d.page.margins.top;
      }
      const lx = opts.align === "right" ? x + width - line.width : x;
      if (line.text) {
        const font = this.font;
        const words = !font.subset ? [] : line.font === font ? line.words : line.text.split(" ").map((w) => this.word(w));
        if (words.length && words.every((w) => w.plain)) {
          (d.page as unknown as { fonts: Record<string, unknown> }).fonts[font.id] ??= font.ref();
          // pdfkit's pages run y downwards; a text matrix that flips y back sets the glyphs upright on the baseline.
          ops.push(`1 0 0 -1 ${n(lx)} ${n(y + (font.ascender / 1000) * this.size)} Tm\n[${this.tj(words)}] TJ`);
        } else {
          flush();
          d.text(line.text, lx, y, { lineBreak: false });
        }
      }
      y += lh;
    }
    flush();
    return y;
  }
}
