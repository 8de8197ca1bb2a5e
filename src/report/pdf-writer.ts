import { existsSync } from "node:fs";
import PDFDocument from "pdfkit";
import { FONTS, useFonts } from "./fonts.js";
import { PdfText } from "./pdf-text.js";
import type { Chart } from "./charts.js";

/** Fonts tried, in order, for text the embedded DejaVu font cannot draw (e.g. Japanese). */
const FALLBACK_FONTS = [process.env.REPORT_FALLBACK_FONT, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"].filter(
  (f): f is string => !!f && existsSync(f),
);

export interface Column {
  header: string;
  width: number;
  align?: "left" | "right";
}

type Glyphs = { hasGlyphForCodePoint(cp: number): boolean };

/** Text that needs no glyph check: printable ASCII and line feeds, which DejaVu always draws. */
const PRINTABLE_ASCII = /^[\x20-\x7e\n]*$/;
/** Whether DejaVu draws a code point, remembered for the process (the parsed font is shared, see fonts.ts). */
const HAS_GLYPH = new Map<number, boolean>();

/** A thin layer over pdfkit: fonts with fallback, tagged headings with bookmarks, wrapped paragraphs, tables that break across pages. */
export class ReportWriter {
  readonly doc: PDFKit.PDFDocument;
  readonly left = 50;
  readonly width: number;
  private glyphs?: Glyphs;
  private fallback?: string;
  private readonly text: PdfText;

  constructor(info: PDFKit.DocumentInfo) {
    this.doc = new PDFDocument({ size: "A4", margins: { top: 64, bottom: 60, left: 50, right: 50 }, bufferPages: true, tagged: true, lang: "en-GB", displayTitle: true, info, autoFirstPage: true, pdfVersion: "1.7" });
    this.width = this.doc.page.width - 100;
    this.text = new PdfText(this.doc);
    useFonts(this.doc, { bold: FONTS.bold, body: FONTS.regular });
    if (FALLBACK_FONTS[0]) {
      this.doc.registerFont("fallback", FALLBACK_FONTS[0]);
      this.fallback = "fallback";
    }
    this.doc.font("body");
    this.glyphs = (this.doc as unknown as { _font: { font: Glyphs } })._font.font;
  }

  /** Text the chosen font can draw: a fallback font when one is installed, else each missing character as its code point, never dropped. */
  fit(text: string, bold = false): { font: string; text: string } {
    const base = bold ? "bold" : "body";
    if (PRINTABLE_ASCII.test(text)) return { font: base, text };
    let missing = false;
    for (const ch of text) if (!this.has(ch)) (missing = true);
    if (!missing) return { font: base, text };
    if (this.fallback) return { font: this.fallback, text };
    let out = "";
    for (const ch of text) out += this.has(ch) ? ch : `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`;
    return { font: base, text: out };
  }

  /** Whether the body font draws a character (white space always counts as drawn); remembered per code point. */
  private has(ch: string): boolean {
    const cp = ch.codePointAt(0)!;
    let known = HAS_GLYPH.get(cp);
    if (known === undefined) HAS_GLYPH.set(cp, (known = this.glyphs!.hasGlyphForCodePoint(cp) || ch.trim() === ""));
    return known;
  }

  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  /** A heading, tagged and bookmarked; level 1 starts a new page unless `sameFrom` says otherwise. */
  heading(text: string, level: 1 | 2 | 3, outline?: PDFKit.PDFOutline, opts: { newPage?: boolean } = {}): PDFKit.PDFOutline | undefined {
    const d = this.doc;
    if (level === 1 && opts.newPage !== false) d.addPage();
    else this.ensure(level === 2 ? 60 : 40);
    const size = level === 1 ? 18 : level === 2 ? 13 : 11;
    const f = this.fit(text, true);
    d.addStructure(d.struct(`H${level}`, {}, () => d.font(f.font).fontSize(size).fillColor("#14213d").text(f.text, this.left, d.y, { width: this.width })));
    d.moveDown(level === 1 ? 0.6 : 0.35);
    return outline?.addItem(text);
  }

  paragraph(text: string, opts: { size?: number; color?: string; bold?: boolean; gap?: number } = {}): void {
    const d = this.doc;
    const f = this.fit(text, opts.bold);
    d.font(f.font).fontSize(opts.size ?? 10);
    const { lines } = this.text.layout(f.text, this.width);
    this.ensure(Math.min(lines.length * d.currentLineHeight(true), 80));
    d.addStructure(d.struct("P", {}, () => {
      d.fillColor(opts.color ?? "#1c2430");
      d.y = this.text.draw(lines, this.left, d.y, this.width, { bottom: this.bottom }) + (opts.gap ?? 6);
    }));
    d.x = this.left;
  }

  /** A table whose rows never split: a row that does not fit starts a new page, where the header is repeated. */
  table(columns: Column[], rows: string[][], opts: { size?: number; shade?: (row: number) => string | undefined; boldFirst?: boolean } = {}): void {
    const d = this.doc;
    const size = opts.size ?? 8.5;
    const pad = 3;
    const total = columns.reduce((s, c) => s + c.width, 0);
    // A table whose columns have no headers (a list of labels and values) gets no header row.
    const hasHeader = columns.some((c) => c.header);
    const all = hasHeader ? [columns.map((c) => c.header), ...rows] : rows;
    const fonts = all.map((cells, r) => cells.map((c, i) => this.fit(c, (hasHeader && r === 0) || (opts.boldFirst === true && i === 0))));
    // Each cell is laid out once; the row's height and its drawing both come from these lines.
    const layout = (widths: number[]) => {
      const need = widths.map(() => 0);
      const laid = fonts.map((cells) => {
        let lines = 1;
        const out = cells.map((f, i) => {
          d.font(f.font).fontSize(size);
          const l = this.text.layout(f.text, widths[i]! - 2 * pad);
          lines = Math.max(lines, l.lines.length);
          need[i] = Math.max(need[i]!, l.widest + 2 * pad + 0.5);
          return { font: f.font, lines: l.lines };
        });
        return { cells: out, height: lines * d.currentLineHeight(true) + 2 * pad };
      });
      return { laid, need };
    };
    let widths = columns.map((c) => (c.width / total) * this.width);
    let { laid, need } = layout(widths);
    // A word wider than its column would be broken: give that column room from the others, and lay out again.
    if (need.some((n, i) => n > widths[i]!)) {
      widths = spread(widths, need);
      ({ laid } = layout(widths));
    }
    const table = d.struct("Table");
    d.addStructure(table);
    const drawRow = (row: (typeof laid)[number], header: boolean, fill?: string) => {
      const y = d.y;
      table.add(d.struct("TR", {}, () => {
        if (fill || header) d.rect(this.left, y, this.width, row.height).fill(header ? "#e8ecf2" : fill!);
        d.fillColor(header ? "#3b4656" : "#1c2430");
        let x = this.left;
        row.cells.forEach((c, i) => {
          d.font(c.font).fontSize(size);
          this.text.draw(c.lines, x + pad, y + pad, widths[i]! - 2 * pad, { align: columns[i]!.align });
          x += widths[i]!;
        });
        d.moveTo(this.left, y + row.height).lineTo(this.left + this.width, y + row.height).lineWidth(0.4).strokeColor("#d9dee5").stroke();
      }));
      d.x = this.left;
      d.y = y + row.height;
    };
    const header = hasHeader ? laid.shift() : undefined;
    this.ensure((header?.height ?? 0) + (laid[0]?.height ?? 0));
    if (header) drawRow(header, true);
    laid.forEach((r, i) => {
      if (d.y + r.height > this.bottom) {
        d.addPage();
        if (header) drawRow(header, true);
      }
      drawRow(r, false, opts.shade?.(i));
    });
    table.end();
    d.moveDown(0.8);
  }

  /** Draws a chart's shapes as vector graphics, scaled to the text width. */
  chart(chart: Chart): void {
    const d = this.doc;
    const scale = this.width / chart.width;
    this.ensure(chart.height * scale + 30);
    const x0 = this.left;
    const y0 = d.y;
    d.addStructure(d.struct("Figure", { alt: `${chart.title}. ${chart.summary}` }, () => {
      for (const s of chart.shapes) {
        if (s.kind === "rect") d.rect(x0 + s.x * scale, y0 + s.y * scale, Math.max(0, s.w * scale), s.h * scale).fill(s.fill);
        else if (s.kind === "line") d.moveTo(x0 + s.x1 * scale, y0 + s.y1 * scale).lineTo(x0 + s.x2 * scale, y0 + s.y2 * scale).lineWidth(s.width * scale).strokeColor(s.stroke).stroke();
        else {
          const f = this.fit(s.text, s.bold);
          d.font(f.font).fontSize(s.size * scale);
          const w = this.text.width(f.text);
          const x = s.anchor === "end" ? s.x * scale - w : s.anchor === "middle" ? s.x * scale - w / 2 : s.x * scale;
          d.fillColor(s.fill).text(f.text, x0 + x, y0 + s.y * scale - s.size * scale * 0.8, { lineBreak: false });
        }
      }
    }));
    d.x = this.left;
    d.y = y0 + chart.height * scale + 14;
  }

  /** Running header and page numbers on every page but the cover, marked as artifacts. */
  decorate(title: string): void {
    const d = this.doc;
    const range = d.bufferedPageRange();
    for (let i = 1; i < range.count; i++) {
      d.switchToPage(i);
      const bottom = d.page.margins.bottom;
      d.page.margins.bottom = 0;
      d.markContent("Artifact", { type: "Pagination" });
      const f = this.fit(title);
      d.font(f.font).fontSize(8).fillColor("#5b6675").text(f.text, this.left, 30, { width: this.width - 80, lineBreak: false, ellipsis: true });
      d.text("Truecost · confidential", this.left, 30, { width: this.width, align: "right", lineBreak: false });
      d.text(`Page ${i + 1} of ${range.count}`, this.left, d.page.height - 36, { width: this.width, align: "center", lineBreak: false });
      d.endMarkedContent();
      d.page.margins.bottom = bottom;
    }
  }

  /** Ends the document and resolves with its bytes. */
  finish(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    this.doc.on("data", (c: Buffer) => chunks.push(c));
    const done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on("end", () => resolve(Buffer.concat(chunks)));
      this.doc.on("error", reject);
    });
    this.doc.end();
    return done;
  }
}

/**
 * Column widths that break no word where the table allows: a column narrower than its widest word
 * takes the room it needs from columns with room to spare, in proportion to their spare room.
 */
function spread(widths: number[], need: number[]): number[] {
  const deficit = widths.reduce((s, w, i) => s + Math.max(0, need[i]! - w), 0);
  const spare = widths.reduce((s, w, i) => s + Math.max(0, w - need[i]!), 0);
  if (deficit === 0 || spare === 0) return widths;
  const given = Math.min(deficit, spare);
  return widths.map((w, i) => (need[i]! > w ? w + ((need[i]! - w) / deficit) * given : w - (Math.max(0, w - need[i]!) / spare) * given));
}
