import PDFDocument from "pdfkit";
import { drawable, useFonts } from "./fonts.js";
import { PdfText, type Style } from "./pdf-text.js";
import type { Chart } from "./charts.js";

export interface Column {
  header: string;
  width: number;
  align?: "left" | "right";
}

/** A thin layer over pdfkit: fonts with fallback per character, tagged headings with bookmarks, wrapped paragraphs, tables that break across pages. */
export class ReportWriter {
  readonly doc: PDFKit.PDFDocument;
  readonly left: number;
  readonly width: number;
  private readonly text: PdfText;

  constructor(info: PDFKit.DocumentInfo, opts: { margin?: number } = {}) {
    const side = opts.margin ?? 50;
    const safe = Object.fromEntries(
      Object.entries(info).map(([k, v]) => [k, typeof v === "string" ? drawable(v).replace(/\n/g, " ") : v]),
    ) as PDFKit.DocumentInfo;
    this.doc = new PDFDocument({
      size: "A4",
      margins: { top: 64, bottom: 60, left: side, right: side },
      bufferPages: true,
      tagged: true,
      lang: "en-GB",
      displayTitle: true,
      info: safe,
      autoFirstPage: true,
      pdfVersion: "1.7",
    });
    this.left = side;
    this.width = this.doc.page.width - 2 * side;
    this.text = new PdfText(this.doc, useFonts(this.doc));
  }

  /** Text made safe to draw in a style (see fonts.ts: drawable), and the style's font name. */
  fit(text: string, bold = false): { font: Style; text: string } {
    const font: Style = bold ? "bold" : "body";
    return { font, text: drawable(text, font) };
  }

  /** Draws text as one tagged block at (x, y) within `width`, wrapping; returns the y below it. */
  private block(
    tag: string,
    text: string,
    x: number,
    y: number,
    width: number,
    opts: { size: number; bold?: boolean; color: string },
  ): number {
    const d = this.doc;
    const f = this.fit(text, opts.bold);
    d.font(f.font).fontSize(opts.size);
    const { lines } = this.text.layout(f.text, width, f.font);
    let end = y;
    d.addStructure(
      d.struct(tag, {}, () => {
        d.fillColor(opts.color);
        end = this.text.draw(lines, x, y, width, { bottom: this.bottom });
      }),
    );
    return end;
  }

  /** The cover's title: large, wrapped, tagged as the document's first heading. */
  title(text: string, y: number): void {
    this.doc.y = this.block("H1", text, this.left, y, this.width, { size: 26, bold: true, color: "#14213d" }) + 8;
    this.doc.x = this.left;
  }

  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  /** A heading, tagged and bookmarked; level 1 starts a new page unless `sameFrom` says otherwise. */
  heading(
    text: string,
    level: 1 | 2 | 3,
    outline?: PDFKit.PDFOutline,
    opts: { newPage?: boolean } = {},
  ): PDFKit.PDFOutline | undefined {
    const d = this.doc;
    if (level === 1 && opts.newPage !== false) d.addPage();
    else this.ensure(level === 2 ? 60 : 40);
    const size = level === 1 ? 18 : level === 2 ? 13 : 11;
    d.y = this.block(`H${level}`, text, this.left, d.y, this.width, { size, bold: true, color: "#14213d" });
    d.x = this.left;
    d.moveDown(level === 1 ? 0.6 : 0.35);
    return outline?.addItem(drawable(text).replace(/\n/g, " "));
  }

  paragraph(
    text: string,
    opts: { size?: number; color?: string; bold?: boolean; gap?: number; indent?: number } = {},
  ): void {
    const d = this.doc;
    const f = this.fit(text, opts.bold);
    const indent = opts.indent ?? 0;
    d.font(f.font).fontSize(opts.size ?? 10);
    const { lines } = this.text.layout(f.text, this.width - indent, f.font);
    this.ensure(Math.min(lines.length * d.currentLineHeight(true), 80));
    d.addStructure(
      d.struct("P", {}, () => {
        d.fillColor(opts.color ?? "#1c2430");
        d.y =
          this.text.draw(lines, this.left + indent, d.y, this.width - indent, { bottom: this.bottom }) +
          (opts.gap ?? 6);
      }),
    );
    d.x = this.left;
  }

  /** A table whose rows never split: a row that does not fit starts a new page, where the header is repeated. */
  table(
    columns: Column[],
    rows: string[][],
    opts: { size?: number; shade?: (row: number) => string | undefined; boldFirst?: boolean } = {},
  ): void {
    const d = this.doc;
    const size = opts.size ?? 8.5;
    const pad = 3;
    const total = columns.reduce((s, c) => s + c.width, 0);
    // A table whose columns have no headers (a list of labels and values) gets no header row.
    const hasHeader = columns.some((c) => c.header);
    const all = hasHeader ? [columns.map((c) => c.header), ...rows] : rows;
    const fonts = all.map((cells, r) =>
      cells.map((c, i) => this.fit(c, (hasHeader && r === 0) || (opts.boldFirst === true && i === 0))),
    );
    // Each cell is laid out once; the row's height and its drawing both come from these lines.
    const layout = (widths: number[]) => {
      const need = widths.map(() => 0);
      const laid = fonts.map((cells) => {
        let lines = 1;
        const out = cells.map((f, i) => {
          d.font(f.font).fontSize(size);
          const l = this.text.layout(f.text, widths[i]! - 2 * pad, f.font);
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
      table.add(
        d.struct("TR", {}, () => {
          if (fill || header) d.rect(this.left, y, this.width, row.height).fill(header ? "#e8ecf2" : fill!);
          d.fillColor(header ? "#3b4656" : "#1c2430");
          let x = this.left;
          row.cells.forEach((c, i) => {
            d.font(c.font).fontSize(size);
            this.text.draw(c.lines, x + pad, y + pad, widths[i]! - 2 * pad, { align: columns[i]!.align });
            x += widths[i]!;
          });
          d.moveTo(this.left, y + row.height)
            .lineTo(this.left + this.width, y + row.height)
            .lineWidth(0.4)
            .strokeColor("#d9dee5")
            .stroke();
        }),
      );
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
    d.addStructure(
      d.struct("Figure", { alt: `${chart.title}. ${chart.summary}` }, () => {
        for (const s of chart.shapes) {
          if (s.kind === "rect")
            d.rect(x0 + s.x * scale, y0 + s.y * scale, Math.max(0, s.w * scale), s.h * scale).fill(s.fill);
          else if (s.kind === "line")
            d.moveTo(x0 + s.x1 * scale, y0 + s.y1 * scale)
              .lineTo(x0 + s.x2 * scale, y0 + s.y2 * scale)
              .lineWidth(s.width * scale)
              .strokeColor(s.stroke)
              .stroke();
          else {
            const f = this.fit(s.text, s.bold);
            d.font(f.font).fontSize(s.size * scale);
            const { lines } = this.text.layout(f.text.replace(/\n/g, " "), Infinity, f.font);
            const w = lines[0]?.width ?? 0;
            const x = s.anchor === "end" ? s.x * scale - w : s.anchor === "middle" ? s.x * scale - w / 2 : s.x * scale;
            d.fillColor(s.fill);
            this.text.draw(lines.slice(0, 1), x0 + x, y0 + s.y * scale - d.currentLineHeight(true) * 0.78, w);
          }
        }
      }),
    );
    d.x = this.left;
    d.y = y0 + chart.height * scale + 14;
  }

  /** Running header and page numbers on every page from `fromPage` (default: all but the cover), marked as artifacts. */
  decorate(title: string, opts: { fromPage?: number } = {}): void {
    const d = this.doc;
    const range = d.bufferedPageRange();
    for (let i = opts.fromPage ?? 1; i < range.count; i++) {
      d.switchToPage(i);
      const bottom = d.page.margins.bottom;
      d.page.margins.bottom = 0;
      d.markContent("Artifact", { type: "Pagination" });
      d.font("body").fontSize(8).fillColor("#5b6675");
      const head = this.truncated(this.fit(title).text.replace(/\n/g, " "), this.width - 110);
      this.text.draw(head, this.left, 30, this.width - 110);
      d.text("Truecost · confidential", this.left, 30, { width: this.width, align: "right", lineBreak: false });
      d.text(`Page ${i + 1} of ${range.count}`, this.left, d.page.height - 36, {
        width: this.width,
        align: "center",
        lineBreak: false,
      });
      d.endMarkedContent();
      d.page.margins.bottom = bottom;
    }
  }

  /** One line of text no wider than `width` at the current size: shortened with an ellipsis when it would pass it. */
  private truncated(text: string, width: number) {
    const style = this.text.currentStyle();
    let t = text;
    let { lines } = this.text.layout(t, Infinity, style);
    while (lines[0]!.width > width && t.length > 1) {
      t = [...t].slice(0, -2).join("") + "…";
      lines = this.text.layout(t, Infinity, style).lines;
    }
    return lines.slice(0, 1);
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
  return widths.map((w, i) =>
    need[i]! > w ? w + ((need[i]! - w) / deficit) * given : w - (Math.max(0, w - need[i]!) / spare) * given,
  );
}
