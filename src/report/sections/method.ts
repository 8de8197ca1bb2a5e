import { TIER_LABELS } from "../../domain.js";
import type { ReportContext } from "./context.js";

/** The assumptions in force with their bounds and basis, and the method in plain words. */
export function method({ data, w, root }: ReportContext): void {
  const { evaluation: e, set, result: r } = data;
  w.heading("Assumptions and method", 1, root);
  w.table(
    [
      { header: "Assumption", width: 1.8 },
      { header: "Value", width: 0.8, align: "right" },
      { header: `Default (${TIER_LABELS[e.tier]})`, width: 0.9, align: "right" },
      { header: "Meaning", width: 3 },
      { header: "Basis and bounds", width: 2 },
    ],
    set.assumptions.map((a) => [
      `${a.label}\n(${a.key})`,
      String(r.assumptions[a.key]),
      String(a.defaults[e.tier]),
      a.meaning,
      `${a.basis}. Allowed ${a.min} to ${a.max}.`,
    ]),
    { size: 7.5 },
  );
  for (const p of METHOD) w.paragraph(p, { size: 9 });
}

const METHOD = [
  "Method. Each vendor's answers are scored by one cost model. Quoted lines are the prices the vendor gives. Every item the quote leaves to the buyer becomes a hidden line: an item not included is priced in full from its estimate, a partly included item at the partial share, an item priced separately at the lower of the vendor's price and the buyer's own estimate, and an unanswered item in full, marked unknown, so that silence is never cheaper than an answer. A price or figure only the vendor can give (a fee, a price cap, the buyer effort its system needs) is never invented: left blank, it leaves the vendor's total not comparable.",
  "Estimates are the larger of a share of the buyer's own reference build cost and a number of buyer days at the buyer's day rate: the same for every vendor, so no vendor lowers them by quoting a lower fee. Work that several questions could price (change management, incident cover, exit) is counted once. Buyer effort a vendor discloses is shown as such, not as a hidden cost.",
  "Timing: the build is paid until go-live; live operation, usage and its buyer-side costs start at go-live; stabilisation is temporary and ends; a staged rollout spreads the scale-out over later years; exit falls in the final year. Recurring prices rise by the stated cap, assumed used; a minimum term beyond the horizon is shown as a commitment beside the total.",
  "Entry price is the headline quote: one-off prices plus one year of recurring prices. Only submitted vendors are ranked unless the buyer ranks the others too; equal totals share a rank. Red flags come from the answers and from the comparison; cheap by exclusion is raised only where a vendor's own exclusions, partial cover or silence cause its advantage. Sensitivity moves each assumption down and up to show whether the conclusion holds.",
];
