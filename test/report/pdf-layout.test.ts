import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ReportWriter } from "../../src/report/pdf-writer.js";
import { readPdf } from "./pdf-text.js";

/** The report's own line breaking and drawing (src/report/pdf-text.ts), read back with poppler. */
describe("report text layout", () => {
  const writer = () => new ReportWriter({ Title: "layout test" });

  it("breaks lines at spaces within the width, and inside a word only when the word alone is too wide", () => {
    const w = writer();
    const text = (w as unknown as { text: import("../../src/report/pdf-text.js").PdfText }).text;
    w.doc.font("body").fontSize(10);
    const { lines, widest } = text.layout(
      "Ownership protection, handoff or exit\nSupercalifragilisticexpialidocious",
      60,
    );
    expect(widest).toBeGreaterThan(60);
    for (const l of lines) expect(l.width).toBeLessThanOrEqual(60);
    expect(
      lines
        .map((l) => l.text)
        .join(" ")
        .replace(/\s+/g, " "),
    ).toBe(
      "Ownership protection, handoff or exit " +
        lines
          .slice(-3)
          .map((l) => l.text)
          .join(" "),
    );
    // The long word is split into pieces that each fit and join back to the word.
    const pieces = lines.slice(lines.findIndex((l) => l.text.startsWith("Super")));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.map((l) => l.text).join("")).toBe("Supercalifragilisticexpialidocious");
  });

  it("measures words as pdfkit does", () => {
    const w = writer();
    const text = (w as unknown as { text: import("../../src/report/pdf-text.js").PdfText }).text;
    for (const [font, size, s] of [
      ["body", 10, "Vendor Ωμέγα — Привет, AV Wa"],
      ["bold", 8.5, "Adjusted 3-year total"],
    ] as const) {
      w.doc.font(font).fontSize(size);
      expect(text.width(s)).toBeCloseTo(w.doc.widthOfString(s), 0);
    }
  });

  it("never lets a line overflow its width, whatever the text", () => {
    const w = writer();
    const text = (w as unknown as { text: import("../../src/report/pdf-text.js").PdfText }).text;
    w.doc.font("body").fontSize(8);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), fc.integer({ min: 20, max: 400 }), (s, width) => {
        const clean = w.fit(s.replace(/[\r\t]/g, " ")).text;
        for (const l of text.layout(clean, width).lines) {
          // A single character wider than the line is the only thing that may not fit.
          if ([...l.text].length > 1) expect(l.width).toBeLessThanOrEqual(width + 1e-9);
        }
      }),
      { numRuns: 300, examples: [["\u{1D000}\uFFFD\u07FE\u13AA", 37]] },
    );
  });

  it("draws tables and paragraphs whose text reads back whole, in Latin, Greek, Cyrillic and with combining marks", async () => {
    const w = writer();
    const words = ["Governance", "Ωμέγα", "Привет", "e\u0301te\u0301", "€1,234,567/yr", "Implementation"];
    w.paragraph(words.join(" "), { size: 10 });
    w.table(
      [
        { header: "Unknown", width: 0.4 },
        { header: "Question and answer", width: 3 },
        { header: "Amount", width: 1, align: "right" },
      ],
      Array.from({ length: 80 }, (_, i) => [String(i), `${words[i % words.length]} row ${i}`, `€${i},000/yr`]),
      { size: 8 },
    );
    const pdf = await w.finish();
    const { text, info } = readPdf(pdf);
    expect(info).toMatch(/Tagged:\s+yes/);
    expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBeGreaterThan(1);
    for (const word of ["Governance", "Ωμέγα", "Привет", "€1,234,567/yr", "row 79", "€79,000/yr"])
      expect(text).toContain(word);
    // A combining mark is drawn at its own offset (by pdfkit); poppler may read a space after it.
    expect(text.replace(/\s+/g, "").normalize("NFC")).toContain("été");
    // The narrow column widened for its header rather than breaking "Unknown"; the header repeats on every page.
    expect(text.match(/Unknown/g)!.length).toBe(Number(/Pages:\s+(\d+)/.exec(info)![1]));
  });
});
