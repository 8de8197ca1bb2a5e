import type { AsksView, FundingPlanView } from "../../comparison/present-plan.js";
import type { ReportWriter } from "../pdf-writer.js";

/** A funding plan's stage table: cost by year, temporary and structural, total, present value, funding. */
export function stageTable(w: ReportWriter, plan: FundingPlanView): void {
  const money = (header: string) => ({ header, width: 1, align: "right" as const });
  w.table(
    [
      { header: "Stage", width: 2.4 },
      ...plan.years.map(money),
      money("Temporary"),
      money("Structural"),
      { header: "Total", width: 1.1, align: "right" },
      { header: plan.presentLabel, width: 1.1, align: "right" },
    ],
    [
      ...plan.stages.map((s) => [
        `${s.number}: ${s.label}${s.funded ? " (funded)" : ""}`,
        ...s.years,
        s.temporary,
        s.structural,
        `${s.total} (${s.share})`,
        s.present,
      ]),
      ["All stages", ...plan.years.map(() => ""), plan.temporary, plan.structural, plan.total, plan.present],
    ],
    { size: 7.5, boldFirst: true },
  );
}

/** Each stage in words: what it delivers, drives and retires, and the gate after it. */
export function stageDetails(w: ReportWriter, plan: FundingPlanView, outline?: PDFKit.PDFOutline): void {
  for (const s of plan.stages) {
    w.heading(`${s.number}: ${s.label} — ${s.total}`, 3, outline);
    if (s.funding) w.paragraph(s.funding, { size: 8.5, bold: s.funded });
    const said = (title: string, items: string[], none: string) =>
      w.paragraph(`${title}: ${items.length ? items.join("; ") : none}.`, { size: 8.5 });
    said(
      "Receives",
      s.receives.map((x) => `${x.text} (${x.by})`),
      "no deliverable of this stage was asked about",
    );
    said(
      "Driven by",
      s.drivers.map((d) => `${d.label} (${d.amount})`),
      "no assumption, the vendor's own prices",
    );
    said("Retires", s.risks, "no red flag");
    if (s.gate)
      w.paragraph(
        `${s.gate.title}${s.gate.edited ? " (set by this evaluation)" : ""}: ${s.gate.criteria.join("; ")}.`,
        {
          size: 8.5,
          color: "#14213d",
        },
      );
  }
  if (plan.tranches.length) {
    w.heading("Tranches funded", 3, outline);
    for (const t of plan.tranches) w.paragraph(`• ${t}`, { size: 8.5 });
  }
}

/** A vendor's asks as a table, dearest first. */
export function askTable(w: ReportWriter, asks: AsksView): void {
  if (asks.none) return w.paragraph(asks.none, { size: 9 });
  w.table(
    [
      { header: "Ask", width: 3.2 },
      { header: "Contract topic", width: 1.5 },
      { header: "Saving", width: 1, align: "right" },
      { header: "Present value", width: 1, align: "right" },
      { header: "Today", width: 1.3 },
      { header: "Effect", width: 1.5 },
    ],
    asks.rows.map((a) => [`${a.ask}\n(${a.questionKey})`, a.topic, a.saving, a.presentSaving, a.today, a.effect]),
    { size: 7.5 },
  );
  if (asks.all) w.paragraph(asks.all, { size: 9 });
}
