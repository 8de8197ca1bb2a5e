import type { ReportContext } from "./context.js";
import { summaryCells } from "../../comparison/present.js";

/** The executive summary: the headline, the ranking table, the flips with their causes, a paragraph per vendor. */
export function summary({ view: v, w, root }: ReportContext): void {
  w.heading("Executive summary", 1, root);
  // The robust answer first: who is cheapest across the ranges, then the point figures.
  if (v.ranges.robust) w.paragraph(v.ranges.robust, { size: 11, bold: true });
  w.paragraph(v.headline, { size: v.ranges.robust ? 10 : 11, bold: !v.ranges.robust });
  const [rank, entry, entryRank, total, present, hidden, unknown, flags] = v.columns.map((c) => c.term);
  w.table(
    [
      { header: rank!, width: 0.6 },
      { header: "Vendor", width: 2.4 },
      { header: entry!, width: 1.4, align: "right" },
      { header: entryRank!, width: 0.9, align: "right" },
      { header: total!, width: 1.6, align: "right" },
      { header: present!, width: 1.5, align: "right" },
      { header: hidden!, width: 0.75, align: "right" },
      { header: unknown!, width: 0.9, align: "right" },
      { header: flags!, width: 0.6, align: "right" },
    ],
    v.vendors.map((x) => [...summaryCells(x), String(x.result.flags.length)]),
    { size: 8 },
  );
  for (const f of v.flips) w.paragraph(`• ${f}`, { size: 9.5 });
  if (v.noFlip) w.paragraph(v.noFlip, { size: 9.5 });
  if (v.rankingNote) w.paragraph(`• ${v.rankingNote}`, { size: 9.5 });
  for (const n of v.notes) w.paragraph(`• ${n}`, { size: 9 });
  for (const x of v.vendors) w.paragraph(x.paragraph, { size: 8.5 });
}

/** What each column of the summary's table means, as the comparison page's key says it. */
export function glossary({ view: v, w, root }: ReportContext): void {
  w.heading("Glossary", 1, root);
  w.table(
    [
      { header: "Column", width: 1.6 },
      { header: "Meaning", width: 6 },
    ],
    v.columns.map((c) => [c.term, c.meaning]),
    { size: 8.5 },
  );
}
