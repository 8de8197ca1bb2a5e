import { money } from "../../format.js";
import type { ReportContext } from "./context.js";

/** How the totals move with each assumption, and the return on the workflow's value. */
export function sensitivity({ data, view: v, w, root }: ReportContext): void {
  w.heading("Sensitivity and return", 1, root);
  w.paragraph(v.sensitivity.intro, { size: 9 });
  const shown = v.vendors.filter((x) => x.result.adjustedTotal !== null).slice(0, 4);
  w.table([{ header: "Assumption", width: 2.2 }, { header: "Base → low / high", width: 1.4 }, ...shown.map((x) => ({ header: `${x.name} (low – high)`, width: 1.5, align: "right" as const })), { header: "Cheapest", width: 0.9 }],
    v.sensitivity.rows.map((r) => [r.label, `${r.base} → ${r.range}`, ...shown.map((x) => r.cells[x.id] ?? "—"), r.leader]), { size: 7.5 });
  const e = data.evaluation;
  if (!v.roi || !e.valueEstimateMinor) return;
  w.paragraph(`Return on a yearly workflow value of ${money(e.valueEstimateMinor, v.currency)}, from go-live: naive payback counts only the headline quote; adjusted payback counts every cost line.`, { size: 9 });
  w.table([{ header: "Vendor", width: 2 }, { header: "Naive payback", width: 1.3 }, { header: "Adjusted payback", width: 1.3 }, { header: "Naive net value", width: 1.3, align: "right" }, { header: "Adjusted net value", width: 1.3, align: "right" }],
    v.roi.map((r) => [r.name, r.naivePayback, r.adjustedPayback, r.naiveNet, r.adjustedNet]), { size: 8.5, boldFirst: true });
}
