import type { ReportContext } from "./context.js";

/** Per vendor, every cost line by layer with the answer, the assumptions and the reason behind it. */
export function vendorLines({ view: v, w, root }: ReportContext): void {
  const item = w.heading("Vendors: cost lines and provenance", 1, root)!;
  for (const x of v.vendors) {
    w.heading(x.name, 2, item);
    w.paragraph(x.paragraph, { size: 9 });
    if (x.commitment) w.paragraph(x.commitment, { size: 9 });
    for (const g of x.layers) {
      w.heading(`${g.label} — ${g.total}`, 3);
      w.table(
        [
          { header: "Question and answer", width: 2.8 },
          { header: "Line", width: 1.6 },
          { header: "Amount", width: 1, align: "right" },
          { header: "Total", width: 1, align: "right" },
          { header: "Why", width: 3.2 },
        ],
        g.lines.map((l) => [
          `${l.question}\n→ ${l.answer}`,
          `${l.badgeText}\n${l.where}\n${l.nature}`,
          l.amount,
          l.total,
          l.reason,
        ]),
        { size: 7.5, shade: (i) => (g.lines[i]!.unknown || g.lines[i]!.unpriced ? "#fff4e5" : undefined) },
      );
    }
  }
}
