import type { ReportContext } from "./context.js";
import { stageDetails, stageTable } from "./plan.js";

/** What is funded when: by year with the transitional and structural split, by funding stage, and the chosen option's plan. */
export function funding({ view: v, w, root }: ReportContext): void {
  const f = v.funding;
  w.heading("Funding by phase and year", 1, root);
  w.paragraph(f.intro, { size: 9 });
  if (!f.rows.length) {
    w.paragraph("No vendor's total can be compared yet.", { size: 9 });
    return;
  }
  const money = (header: string) => ({ header, width: 1, align: "right" as const });
  w.table(
    [
      { header: "Vendor", width: 2 },
      ...f.years.map(money),
      money("One-off"),
      money("Temporary"),
      money("Recurring"),
      { header: "Total", width: 1.1, align: "right" },
    ],
    f.rows.map((r) => [r.name, ...r.years, r.oneOff, r.temporary, r.recurring, r.total]),
    { size: 8, boldFirst: true },
  );
  w.table(
    [{ header: "Vendor", width: 2 }, ...f.phases.map((p) => ({ header: p, width: 1.1, align: "right" as const }))],
    f.rows.map((r) => [r.name, ...r.phases]),
    { size: 8, boldFirst: true },
  );
  // The option the committee chose (or the cheapest): its stages, gates and the tranches funded so far.
  const plan = v.plans.find((p) => p.vendorId === v.planDefault?.vendorId);
  if (!plan) return;
  const outline = w.heading(`Funding plan: ${plan.name}`, 2, root);
  w.paragraph(`${plan.why.charAt(0).toUpperCase()}${plan.why.slice(1)}. ${plan.summary}`, { size: 9 });
  stageTable(w, plan);
  stageDetails(w, plan, outline);
}
