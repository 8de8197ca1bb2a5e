import { TIER_LABELS } from "../../domain.js";
import { date } from "../../format.js";
import type { ReportContext } from "./context.js";

/** The cover: title, what the report is, the evaluation's frame, and who may read it. */
export function cover({ data, w, root }: ReportContext): void {
  const { evaluation: e, set } = data;
  const d = w.doc;
  w.title(e.title, 190);
  w.paragraph("Vendor comparison report: the adjusted price of each offer", { size: 14, color: "#5b6675" });
  d.moveDown(1.5);
  w.table(
    [
      { header: "", width: 1 },
      { header: "", width: 3 },
    ],
    [
      ["Date", date(data.generatedAt)],
      ["Tier", TIER_LABELS[e.tier]],
      ["Horizon", `${e.horizonYears} years`],
      ["Currency", e.currency],
      ["Vendors", data.vendors.map((v) => v.name).join(", ") || "none"],
      ["Question set", `${set.title} (${set.id})`],
      ["Prepared by", data.generatedBy],
    ],
    { size: 10, boldFirst: true },
  );
  w.paragraph(
    "Confidential: commercially sensitive information from competing vendors. For the buying committee only; do not forward to vendors.",
    { size: 9, color: "#b42318" },
  );
  root.addItem("Cover");
}
