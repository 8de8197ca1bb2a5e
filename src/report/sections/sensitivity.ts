import type { ReportContext } from "./context.js";

/** How the totals move with each assumption, and the return on the workflow's value. */
export function sensitivity({ data, view: v, w, root }: ReportContext): void {
  w.heading("Sensitivity and return", 1, root);
  const g = v.ranges;
  if (g.rows.length) {
    if (g.robust) w.paragraph(g.robust, { size: 9.5, bold: true });
    w.paragraph(g.intro, { size: 9 });
    const npv = g.rows.some((x) => x.npv);
    w.table(
      [
        { header: "Vendor", width: 1.7 },
        { header: "Cheapest in", width: 0.9, align: "right" },
        { header: `${v.totalLabel}, P10 – P90`, width: 2.1, align: "right" },
        { header: `${v.presentLabel}, P10 – P90`, width: 2.1, align: "right" },
        ...(npv ? [{ header: "NPV, P10 – P90", width: 2.1, align: "right" as const }] : []),
      ],
      g.rows.map((x) => [x.name, x.cheapest, x.total, x.present, ...(npv ? [x.npv ?? "—"] : [])]),
      { size: 7.5, boldFirst: true },
    );
  }
  w.paragraph(v.sensitivity.intro, { size: 9 });
  const shown = v.vendors.filter((x) => x.result.adjustedTotal !== null).slice(0, 4);
  w.table(
    [
      { header: "Assumption", width: 2.2 },
      { header: "Base → low / high", width: 1.4 },
      ...shown.map((x) => ({ header: `${x.name} (low – high)`, width: 1.5, align: "right" as const })),
      { header: "Cheapest", width: 0.9 },
    ],
    v.sensitivity.rows.map((r) => [
      r.label,
      `${r.base} → ${r.range}`,
      ...shown.map((x) => r.cells[x.id] ?? "—"),
      r.leader,
    ]),
    { size: 7.5 },
  );
  if (!v.roi || !v.roiIntro || !data.evaluation.valueEstimateMinor) return;
  w.paragraph(v.roiIntro, { size: 9 });
  w.table(
    [
      { header: "Vendor", width: 1.6 },
      { header: "Value from", width: 1.5 },
      { header: "Naive payback", width: 1 },
      { header: "Adjusted payback", width: 1 },
      { header: "Discounted payback", width: 1.1 },
      { header: "Adjusted net value", width: 1.2, align: "right" },
      { header: "Value, present", width: 1.2, align: "right" },
      { header: "NPV", width: 1.1, align: "right" },
    ],
    v.roi.map((r) => [
      r.name,
      r.valueStart,
      r.naivePayback,
      r.adjustedPayback,
      r.discountedPayback,
      r.adjustedNet,
      r.valuePresent,
      r.npv,
    ]),
    { size: 7.5, boldFirst: true },
  );
}
